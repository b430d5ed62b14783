//! Who is calling, and with what kind of credential.

use sunday_domain::permissions::scopes_allow;
use sunday_types::{automations::AUTOMATION_ACTOR, dto::Scope, ApiError, ErrorCode, OrgId, TokenId, UserId};

/// How the caller authenticated.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// A login session (cookie or bearer); may do anything the user's roles allow.
    Session { token_hash: String, csrf_token: String },
    /// A personal API token, limited to its scopes.
    Token { id: TokenId, scopes: Vec<Scope> },
    /// An automation's run: acts with an owner's rights on the boards of its organization
    /// (see `BoardService::access`), as the Automation actor.
    Automation { org_id: OrgId },
}

#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: UserId,
    pub credentials: Credentials,
}

impl Actor {
    /// The actor of an automation's run in `org`.
    pub fn automation(org_id: OrgId) -> Actor {
        Actor { user_id: AUTOMATION_ACTOR, credentials: Credentials::Automation { org_id } }
    }

    /// Fails with `insufficient_scope` when a personal token lacks `scope`.
    pub fn require_scope(&self, scope: Scope) -> Result<(), ApiError> {
        match &self.credentials {
            Credentials::Session { .. } | Credentials::Automation { .. } => Ok(()),
            Credentials::Token { scopes, .. } if scopes_allow(scopes, scope) => Ok(()),
            Credentials::Token { .. } => Err(ApiError::new(
                ErrorCode::InsufficientScope,
                format!("this personal API token lacks the `{}` scope", scope.as_str()),
            )),
        }
    }
}
