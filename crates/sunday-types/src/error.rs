//! The one error-code table.
//!
//! Every failure a client can see is an [`ErrorCode`]: a stable snake_case `code`, a `kind`
//! (one of the API's nine kinds) and the HTTP status that kind implies. Module errors convert
//! into [`ApiError`]; the HTTP layer only renders it. Codes are never renamed once released:
//! clients match on them.

use serde::Serialize;
use utoipa::ToSchema;

/// The coarse class of an error; fixes the HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    InvalidRequest,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    PayloadTooLarge,
    RateLimited,
    Internal,
    Unavailable,
}

impl ErrorKind {
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::InvalidRequest => 400,
            ErrorKind::Unauthenticated => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::PayloadTooLarge => 413,
            ErrorKind::RateLimited => 429,
            ErrorKind::Internal => 500,
            ErrorKind::Unavailable => 503,
        }
    }
}

macro_rules! error_codes {
    ($($variant:ident => ($code:literal, $kind:ident, $status:expr, $doc:literal)),* $(,)?) => {
        /// Every stable error code of the API.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $( #[doc = $doc] $variant ),* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),* }
            }

            pub fn kind(self) -> ErrorKind {
                match self { $(ErrorCode::$variant => ErrorKind::$kind),* }
            }

            /// The HTTP status: the kind's, except for the two protocol-level codes that HTTP
            /// itself names more precisely (405, 415).
            pub fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => { let s: Option<u16> = $status; s.unwrap_or(ErrorKind::$kind.status()) }),* }
            }

            pub fn description(self) -> &'static str {
                match self { $(ErrorCode::$variant => $doc),* }
            }
        }
    };
}

error_codes! {
    MalformedJson => ("malformed_json", InvalidRequest, None, "The body is not valid JSON."),
    InvalidBody => ("invalid_body", InvalidRequest, None, "The JSON does not match the expected shape: unknown field, wrong type or missing field."),
    InvalidContentType => ("invalid_content_type", InvalidRequest, Some(415), "The body must be sent as `application/json`."),
    InvalidParameter => ("invalid_parameter", InvalidRequest, None, "A path or query parameter is malformed."),
    ValidationFailed => ("validation_failed", InvalidRequest, None, "A field breaks a rule; `details.field` and `details.rule` name them."),
    InvalidEmail => ("invalid_email", InvalidRequest, None, "The email address is not valid."),
    WeakPassword => ("weak_password", InvalidRequest, None, "The password does not meet the policy (10 to 256 characters, not only one repeated character, not the email)."),
    InviteInvalid => ("invite_invalid", InvalidRequest, None, "The invitation was already used, has expired or is for another email address."),
    NotASession => ("not_a_session", InvalidRequest, None, "Logout ends a login session; personal API tokens are revoked with DELETE /me/tokens/{id}."),
    UnsupportedFileType => ("unsupported_file_type", InvalidRequest, Some(415), "The file's type (sniffed from its content) is not among `files.allowed_types`."),
    RangeNotSatisfiable => ("range_not_satisfiable", InvalidRequest, Some(416), "The `Range` asks for bytes beyond the end of the file."),
    MethodNotAllowed => ("method_not_allowed", InvalidRequest, Some(405), "The path exists but not with this method."),
    Unauthenticated => ("unauthenticated", Unauthenticated, None, "No credentials were sent."),
    InvalidCredentials => ("invalid_credentials", Unauthenticated, None, "Email or password is wrong."),
    FormPassword => ("form_password", Unauthenticated, None, "This form asks for a password (`X-Form-Password` header, or `password` in the submission); it was missing or wrong."),
    InvalidSession => ("invalid_session", Unauthenticated, None, "The session or token is unknown, expired or revoked."),
    CsrfTokenMissing => ("csrf_token_missing", Forbidden, None, "A cookie-authenticated write must carry the `X-CSRF-Token` header returned at login."),
    CsrfTokenInvalid => ("csrf_token_invalid", Forbidden, None, "The `X-CSRF-Token` header does not match the session."),
    InsufficientScope => ("insufficient_scope", Forbidden, None, "The personal API token lacks the scope this request needs."),
    Forbidden => ("forbidden", Forbidden, None, "Your role does not allow this action."),
    RouteNotFound => ("route_not_found", NotFound, None, "No such path."),
    OrgNotFound => ("org_not_found", NotFound, None, "No such organization (or it is not yours)."),
    UserNotFound => ("user_not_found", NotFound, None, "No such user."),
    MemberNotFound => ("member_not_found", NotFound, None, "The user is not a member."),
    InviteNotFound => ("invite_not_found", NotFound, None, "No such invitation."),
    TokenNotFound => ("token_not_found", NotFound, None, "No such personal API token."),
    WorkspaceNotFound => ("workspace_not_found", NotFound, None, "No such workspace (or it is not visible to you)."),
    BoardNotFound => ("board_not_found", NotFound, None, "No such board (or it is not visible to you)."),
    GroupNotFound => ("group_not_found", NotFound, None, "No such group on this board."),
    ColumnNotFound => ("column_not_found", NotFound, None, "No such column on this board."),
    ItemNotFound => ("item_not_found", NotFound, None, "No such item (or it is not visible to you)."),
    ViewNotFound => ("view_not_found", NotFound, None, "No such view (or it is not visible to you)."),
    AutomationNotFound => ("automation_not_found", NotFound, None, "No such automation (or its board is not visible to you)."),
    RunNotFound => ("run_not_found", NotFound, None, "No such automation run."),
    WebhookNotFound => ("webhook_not_found", NotFound, None, "No such webhook subscription (or its board is not visible to you)."),
    DeliveryNotFound => ("delivery_not_found", NotFound, None, "No such webhook delivery, or it is not in the dead-letter list."),
    LinkNotFound => ("link_not_found", NotFound, None, "No such board link (iCal feed or inbound webhook), or it was revoked."),
    FormNotFound => ("form_not_found", NotFound, None, "No such form, or it is not published (its link was replaced or the form unpublished)."),
    DashboardNotFound => ("dashboard_not_found", NotFound, None, "No such dashboard (or its workspace is not visible to you)."),
    FileNotFound => ("file_not_found", NotFound, None, "No such file (or no board you can see holds it)."),
    UpdateNotFound => ("update_not_found", NotFound, None, "No such update (comment)."),
    EmailTaken => ("email_taken", Conflict, None, "An account with this email already exists."),
    AlreadyMember => ("already_member", Conflict, None, "The user is already a member."),
    OrgExists => ("org_exists", Conflict, None, "This organization is already on this instance: an organization archive imports once."),
    LastOwner => ("last_owner", Conflict, None, "An organization must keep at least one owner."),
    WorkspaceNotEmpty => ("workspace_not_empty", Conflict, None, "The workspace still holds boards: move them to another workspace, or delete them with it (`?with_boards=true`)."),
    ImportInterrupted => ("import_interrupted", Conflict, None, "The board's columns or groups changed during the import: `details.imported` rows were imported, the rest were not."),
    VersionConflict => ("version_conflict", Conflict, None, "The resource changed since the version you sent; `details.current` holds it."),
    IdempotencyKeyReused => ("idempotency_key_reused", Conflict, None, "This `Idempotency-Key` was used for a different request."),
    IdempotencyKeyInUse => ("idempotency_key_in_use", Conflict, None, "A request with this `Idempotency-Key` is still being processed; retry after `Retry-After` seconds to get its response."),
    PayloadTooLarge => ("payload_too_large", PayloadTooLarge, None, "The request body exceeds the configured limit."),
    RateLimited => ("rate_limited", RateLimited, None, "Too many requests; retry after `Retry-After` seconds."),
    TooManyLoginAttempts => ("too_many_login_attempts", RateLimited, None, "Too many failed logins for this account or address; retry after `Retry-After` seconds."),
    Internal => ("internal", Internal, None, "An internal error; it was logged with the request id."),
    Unavailable => ("unavailable", Unavailable, None, "A dependency (the store) is unavailable; retry later."),
    StorageUnavailable => ("storage_unavailable", Unavailable, None, "The file storage (local directory or S3-compatible server) cannot be reached; nothing was saved, retry later."),
    SendFailed => ("send_failed", Unavailable, None, "The mail server refused the message or could not be reached (an automation's email); the run failed and can be retried."),
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error as the API reports it. Internal causes are kept out of the message: they are
/// logged by the HTTP layer and the client sees a generic text.
#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Boxed: most errors have none, and a `Result` carrying an error stays small.
    pub details: Option<Box<ErrorDetails>>,
    /// Seconds to wait, for rate-limit codes (`Retry-After`).
    pub retry_after: Option<u64>,
    /// The underlying cause of an internal error, for the log only.
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), details: None, retry_after: None, source: None }
    }

    /// The code's own description as the message.
    pub fn of(code: ErrorCode) -> Self {
        Self::new(code, code.description())
    }

    /// `409 version_conflict` carrying what is stored now in `details.current`, for the
    /// client to merge or show.
    pub fn version_conflict(current: &impl serde::Serialize) -> Self {
        let current = serde_json::to_value(current).unwrap_or(serde_json::Value::Null);
        Self::of(ErrorCode::VersionConflict)
            .with_details(ErrorDetails { current: Some(current), ..ErrorDetails::default() })
    }

    pub fn with_details(mut self, details: ErrorDetails) -> Self {
        self.details = Some(Box::new(details));
        self
    }

    /// The details to add to (empty ones when the error had none).
    pub fn details_mut(&mut self) -> &mut ErrorDetails {
        self.details.get_or_insert_with(Box::default)
    }

    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs.max(1));
        self
    }

    /// An internal fault: the cause is logged, never shown.
    pub fn internal(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        let mut e = Self::of(ErrorCode::Internal);
        e.source = Some(source.into());
        e
    }

    pub fn unavailable(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        let mut e = Self::of(ErrorCode::Unavailable);
        e.source = Some(source.into());
        e
    }

    /// A rule broken by one field of the input.
    pub fn validation(field: &str, rule: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationFailed, message).with_details(ErrorDetails::rule(field, rule))
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }

    pub fn body(&self, request_id: Option<String>, trace_id: Option<String>) -> ErrorBody {
        ErrorBody {
            code: self.code.as_str().to_owned(),
            message: self.message.clone(),
            kind: self.code.kind(),
            request_id,
            trace_id,
            details: self.details.as_deref().cloned(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(src) = &self.source {
            write!(f, ": {src}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code, e.g. `workspace_not_found`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    pub kind: ErrorKind,
    /// The `X-Request-Id` of the request, to quote when reporting a problem.
    pub request_id: Option<String>,
    /// The request's OpenTelemetry trace id (32 hex digits), when traces are exported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<ErrorDetails>,
}

/// What an error says beyond its code and message, for a client to act on: the field at fault
/// and the rule it broke, and what some codes add. Every key any error sets is here (one
/// place, documented once); an error sets only those that apply.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorDetails {
    /// The input at fault, as a path into the request: `name`, `values.<column id>`,
    /// `settings.labels`, `actions[1].column_id`, `filter`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The rule broken, snake_case (`required`, `type`, `unknown_column`, `cycle`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The column concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column_id: Option<String>,
    /// The title of the column concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The type of the column whose settings were refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column_type: Option<String>,
    /// The item, group or file named in the input that was not found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// Labels or options a change would remove while items still use them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<String>>,
    /// Where in a filter the fault is (`and[1].value`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Where in a formula's expression the fault starts and ends (character offsets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
    /// Formulas that read the column being deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependents: Option<Vec<Dependent>>,
    /// In a bulk request, which entry (from 0) was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// `import_interrupted` and a failed import: the rows imported before it stopped, and the
    /// rows refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected: Option<Vec<crate::board_api::RejectedRow>>,
    /// `payload_too_large`: the largest size accepted, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// `range_not_satisfiable`: the file's size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// A file type not accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// `version_conflict`: the resource as it is stored now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub current: Option<serde_json::Value>,
    /// A schema the server does not know: the version the store has and the one it expects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<i64>,
}

impl ErrorDetails {
    /// The field at fault and the rule it broke.
    pub fn rule(field: &str, rule: &str) -> ErrorDetails {
        ErrorDetails { field: Some(field.to_owned()), rule: Some(rule.to_owned()), ..ErrorDetails::default() }
    }

    /// With the column concerned.
    pub fn column(mut self, id: impl std::fmt::Display) -> ErrorDetails {
        self.column_id = Some(id.to_string());
        self
    }
}

/// A formula that reads a column (`details.dependents`).
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize, ToSchema)]
pub struct Dependent {
    pub column_id: String,
    pub title: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_never_200() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {}", c.as_str());
            assert!(c.as_str().chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'));
            assert!(c.status() >= 400);
        }
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let e = ApiError::internal(std::io::Error::other("disk on fire at /secret/path"));
        let body = serde_json::to_string(&e.body(None, None)).unwrap();
        assert!(!body.contains("secret"));
        assert_eq!(e.status(), 500);
    }
}
