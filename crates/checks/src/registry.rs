//! The one ordered list of every check. `rampart checks`, the report's rule
//! metadata and the docs are generated from it.

use crate::auth;
use crate::bfla;
use crate::bola;
use crate::prop;
use crate::session;
use crate::{consume, llm, ssrf};
use crate::{crypto, data, input, inv, rate};
use rampart_engine::Check;

pub const CHECKS: &[&dyn Check] = &[
    &session::Fixation,
    &session::Adoption,
    &session::UrlSession,
    &session::LogoutKeepsSession,
    &session::NoRotationOnPrivilegeChange,
    &session::WeakIds,
    &session::CookieNoHttpOnly,
    &session::CookieNoSecure,
    &session::CookieNoSameSite,
    &session::TokenExposed,
    &session::LongLifetime,
    &session::ParentDomainCookie,
    &session::OldSessionSurvivesLogin,
    &session::StoreUpdatedInPlace,
    &session::StorePlaintextTokens,
    &session::StoreExpiry,
    &session::StoreReadableAnonymously,
    &session::StoreConfiguration,
    &session::SameTokenEveryLogin,
    &session::RefreshReuse,
    &session::RefreshAfterLogout,
    &auth::NoAuth,
    &auth::InvalidCredentials,
    &auth::MethodBypass,
    &auth::AlgNone,
    &auth::WeakSecret,
    &auth::ExpiredJwt,
    &auth::NoExpiry,
    &auth::SensitiveClaims,
    &auth::SecurityHeaders,
    &auth::NoWwwAuthenticate,
    &auth::UserEnumeration,
    &auth::KeyConfusion,
    &auth::KidManipulation,
    &bola::SequentialIds,
    &bola::ForeignObject,
    &bola::OwnerQuery,
    &bola::SecondIdentity,
    &bola::ForeignWrite,
    &bola::PasswordChange,
    &bfla::AdminAnonymous,
    &bfla::AdminOrdinaryUser,
    &bfla::RoleFields,
    &prop::SensitiveFields,
    &prop::UndocumentedFields,
    &prop::MassAssignment,
    &input::CorsReflectsOrigin,
    &input::CorsNullOrigin,
    &input::CorsWildcard,
    &input::TraceEnabled,
    &input::UndeclaredMethods,
    &input::DebugEndpoint,
    &input::SqlInjection,
    &input::CommandInjection,
    &rate::NoRateLimit,
    &rate::UnboundedList,
    &rate::UncappedPageSize,
    &rate::OversizedResponse,
    &data::CardNumbers,
    &data::PersonalData,
    &data::Credentials,
    &data::StackTrace,
    &crypto::PlainHttp,
    &crypto::WeakHsts,
    &crypto::InvalidCertificate,
    &crypto::OldTls,
    &crypto::MixedContent,
    &crypto::CookieWithoutSecure,
    &ssrf::ServerFetch,
    &ssrf::InternalReflected,
    &ssrf::UrlParameters,
    &inv::Unversioned,
    &inv::OldVersionLive,
    &inv::DeprecatedLive,
    &inv::VersionDisclosed,
    &inv::DocumentsExposed,
    &inv::DebugRoutes,
    &inv::GraphqlIntrospection,
    &consume::WebhookUnvalidated,
    &consume::OpenRedirect,
    &consume::UpstreamRelayed,
    &llm::ModelDisclosure,
    &llm::SystemPromptLeaked,
    &llm::SystemPromptExtraction,
    &llm::InstructionOverride,
    &llm::RolePlayJailbreak,
    &llm::EncodedInjection,
    &llm::MarkdownExfiltration,
];

/// The check for `rule_id`, if there is one.
pub fn find(rule_id: &str) -> Option<&'static dyn Check> {
    CHECKS
        .iter()
        .copied()
        .find(|c| c.rule().id.eq_ignore_ascii_case(rule_id))
}
