//! Signup, login, logout, authentication of every request, and personal API tokens.

use std::sync::Arc;

use sunday_bus::{DynBus, Invalidation};
use sunday_domain::{text::parse_name, Email, Password};
use sunday_store::{ApiTokenRecord, NewUser, SessionRecord, Store};
use sunday_types::{
    dto::{
        ApiToken, CreateTokenRequest, CreatedToken, LoginRequest, MeResponse, Org, Role, Scope, SignupRequest, User,
    },
    time::{now_millis, to_datetime},
    ApiError, ErrorCode, OrgId, SessionId, TokenId, UserId,
};

use crate::{
    crypto::{self, PasswordHasher, PERSONAL_TOKEN_PREFIX, SESSION_PREFIX},
    directory::Directory,
    limits::LoginThrottle,
    Actor, AppSettings, Credentials,
};

/// A new login session: the bearer token (shown once) and its CSRF token.
#[derive(Debug)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: i64,
}

#[derive(Debug)]
pub struct Signup {
    pub user: User,
    pub org: Org,
    pub role: Role,
    pub session: NewSession,
}

#[derive(Debug)]
pub struct Login {
    pub user: User,
    pub session: NewSession,
}

/// Personal tokens are touched at most this often, so authenticating is not a write per call.
const TOUCH_EVERY_MS: i64 = 60_000;

/// A checked credential, kept by token hash for `auth_cache_secs` so that every
/// authenticated request does not cost a store round trip (W1 in BENCHMARKS.md).
#[derive(Clone)]
struct CachedActor {
    actor: Actor,
    expires_at: Option<i64>,
}

#[derive(Clone)]
pub struct AccountService {
    store: Arc<dyn Store>,
    directory: Directory,
    hasher: PasswordHasher,
    throttle: Arc<LoginThrottle>,
    bus: DynBus,
    settings: AppSettings,
    credentials: Option<moka::sync::Cache<String, CachedActor>>,
}

impl AccountService {
    pub fn new(
        store: Arc<dyn Store>,
        directory: Directory,
        hasher: PasswordHasher,
        throttle: Arc<LoginThrottle>,
        bus: DynBus,
        settings: AppSettings,
    ) -> Self {
        let credentials = (settings.auth_cache_secs > 0).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(std::time::Duration::from_secs(settings.auth_cache_secs))
                .build()
        });
        AccountService { store, directory, hasher, throttle, bus, settings, credentials }
    }

    /// Forgets one cached credential on this node (its session ended on another).
    pub fn forget_credential_here(&self, token_hash: &str) {
        if let Some(cache) = &self.credentials {
            cache.invalidate(token_hash);
        }
    }

    /// Forgets every cached credential on this node.
    pub fn forget_credentials_here(&self) {
        if let Some(cache) = &self.credentials {
            cache.invalidate_all();
        }
    }

    #[tracing::instrument(skip_all)]
    pub async fn signup(&self, req: SignupRequest) -> Result<Signup, ApiError> {
        let email = Email::parse(&req.email)?;
        let password = Password::parse(&req.password, &email)?;
        let name = parse_name("name", &req.name, 100)?;
        let org_name = match &req.org_name {
            Some(n) => parse_name("org_name", n, 100)?,
            None => format!("{name}'s organization"),
        };
        let now = now_millis();
        let user = NewUser {
            id: UserId::new(),
            email: email.as_str().to_owned(),
            name,
            password_hash: self.hasher.hash(password.expose().to_owned()).await?,
            created_at: now,
        };
        let (org, role) = match &req.invite_token {
            Some(token) => self.store.create_invited_account(&user, &crypto::hash_token(token), now).await?,
            None => {
                let org = Org { id: OrgId::new(), name: org_name, created_at: to_datetime(now) };
                self.store.create_account(&user, &org).await?;
                (org, Role::Owner)
            }
        };
        let session = self.start_session(user.id).await?;
        tracing::info!(user_id = %user.id, org_id = %org.id, "signed up");
        let user = User { id: user.id, email: user.email, name: user.name, created_at: to_datetime(now) };
        Ok(Signup { user, org, role, session })
    }

    /// Checks the password, throttling repeated failures per account and per client IP.
    #[tracing::instrument(skip_all)]
    pub async fn login(&self, req: LoginRequest, client_ip: &str) -> Result<Login, ApiError> {
        let email = Email::parse(&req.email)?;
        self.throttle
            .reserve(email.as_str(), client_ip)
            .await
            .map_err(|secs| ApiError::of(ErrorCode::TooManyLoginAttempts).retry_after(secs))?;
        let found = self.store.user_by_email(email.as_str()).await?;
        let stored = found.as_ref().map(|f| f.password_hash.clone());
        let ok = self.hasher.verify(req.password, stored).await?;
        let Some(found) = found.filter(|_| ok) else {
            tracing::info!(client_ip, "failed login");
            return Err(ApiError::of(ErrorCode::InvalidCredentials));
        };
        self.throttle.succeeded(email.as_str(), client_ip).await;
        let session = self.start_session(found.user.id).await?;
        Ok(Login { user: found.user, session })
    }

    async fn start_session(&self, user: UserId) -> Result<NewSession, ApiError> {
        let token = crypto::new_token(SESSION_PREFIX);
        let csrf_token = crypto::new_token("");
        let now = now_millis();
        let record = SessionRecord {
            id: SessionId::new(),
            user_id: user,
            token_hash: crypto::hash_token(&token),
            csrf_token: csrf_token.clone(),
            created_at: now,
            expires_at: now + self.settings.session_ttl_ms,
        };
        self.store.insert_session(&record).await?;
        Ok(NewSession { token, csrf_token, expires_at: record.expires_at })
    }

    pub async fn logout(&self, actor: &Actor) -> Result<(), ApiError> {
        match &actor.credentials {
            Credentials::Session { token_hash, .. } => {
                self.store.delete_session(token_hash).await?;
                self.forget_credential_here(token_hash);
                self.bus.publish_invalidation(Invalidation::Credential { token_hash: token_hash.clone() });
                Ok(())
            }
            Credentials::Token { .. } | Credentials::Automation { .. } => Err(ApiError::of(ErrorCode::NotASession)),
        }
    }

    /// Resolves a bearer token (session or personal) to the actor.
    pub async fn authenticate(&self, token: &str) -> Result<Actor, ApiError> {
        let now = now_millis();
        let hash = crypto::hash_token(token);
        if let Some(hit) = self.credentials.as_ref().and_then(|c| c.get(&hash)) {
            if hit.expires_at.is_none_or(|at| at > now) {
                return Ok(hit.actor);
            }
        }
        let found = if token.starts_with(SESSION_PREFIX) {
            self.store.session_by_hash(&hash, now).await?.map(|s| CachedActor {
                actor: Actor {
                    user_id: s.user_id,
                    credentials: Credentials::Session { token_hash: s.token_hash, csrf_token: s.csrf_token },
                },
                expires_at: Some(s.expires_at),
            })
        } else if token.starts_with(PERSONAL_TOKEN_PREFIX) {
            match self.store.api_token_by_hash(&hash, now).await? {
                Some(t) => {
                    if t.last_used_at.is_none_or(|at| now - at > TOUCH_EVERY_MS) {
                        self.store.touch_api_token(t.id, now).await?;
                    }
                    let actor =
                        Actor { user_id: t.user_id, credentials: Credentials::Token { id: t.id, scopes: t.scopes } };
                    Some(CachedActor { actor, expires_at: t.expires_at })
                }
                None => None,
            }
        } else {
            None
        };
        let found = found.ok_or_else(|| ApiError::of(ErrorCode::InvalidSession))?;
        if let Some(cache) = &self.credentials {
            cache.insert(hash, found.clone());
        }
        Ok(found.actor)
    }

    pub async fn me(&self, actor: &Actor) -> Result<MeResponse, ApiError> {
        let profile =
            self.directory.profile(actor.user_id).await?.ok_or_else(|| ApiError::of(ErrorCode::InvalidSession))?;
        let csrf_token = match &actor.credentials {
            Credentials::Session { csrf_token, .. } => Some(csrf_token.clone()),
            Credentials::Token { .. } | Credentials::Automation { .. } => None,
        };
        Ok(MeResponse { user: profile.user.clone(), orgs: profile.orgs.clone(), csrf_token })
    }

    pub async fn create_token(&self, actor: &Actor, req: CreateTokenRequest) -> Result<CreatedToken, ApiError> {
        actor.require_scope(Scope::Admin)?;
        let name = parse_name("name", &req.name, 100)?;
        let mut scopes = req.scopes;
        scopes.sort_by_key(|s| *s as u8);
        scopes.dedup();
        if scopes.is_empty() {
            return Err(ApiError::validation("scopes", "required", "give at least one scope: read, write or admin"));
        }
        let days = req.expires_in_days;
        if days.is_some_and(|d| d == 0 || d > 3650) {
            return Err(ApiError::validation(
                "expires_in_days",
                "range",
                "`expires_in_days` must be between 1 and 3650",
            ));
        }
        let now = now_millis();
        let secret = crypto::new_token(PERSONAL_TOKEN_PREFIX);
        let record = ApiTokenRecord {
            id: TokenId::new(),
            user_id: actor.user_id,
            name,
            token_hash: crypto::hash_token(&secret),
            scopes,
            created_at: now,
            expires_at: days.map(|d| now + i64::from(d) * 86_400_000),
            last_used_at: None,
        };
        self.store.insert_api_token(&record).await?;
        tracing::info!(token_id = %record.id, "personal api token created");
        Ok(CreatedToken { token: token_dto(record), secret })
    }

    pub async fn tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>, ApiError> {
        Ok(self.store.api_tokens(actor.user_id).await?.into_iter().map(token_dto).collect())
    }

    pub async fn revoke_token(&self, actor: &Actor, id: TokenId) -> Result<(), ApiError> {
        actor.require_scope(Scope::Admin)?;
        if self.store.revoke_api_token(actor.user_id, id, now_millis()).await? {
            // Cached by secret hash, which we no longer know: revocation is rare, so every
            // node forgets every cached credential rather than keep the revoked one alive.
            self.forget_credentials_here();
            self.bus.publish_invalidation(Invalidation::AllCredentials);
            Ok(())
        } else {
            Err(ApiError::of(ErrorCode::TokenNotFound))
        }
    }
}

fn token_dto(r: ApiTokenRecord) -> ApiToken {
    ApiToken {
        id: r.id,
        name: r.name,
        scopes: r.scopes,
        created_at: to_datetime(r.created_at),
        expires_at: r.expires_at.map(to_datetime),
        last_used_at: r.last_used_at.map(to_datetime),
    }
}
