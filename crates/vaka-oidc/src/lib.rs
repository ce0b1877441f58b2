//! Vaka as an OpenID Connect relying party: login through an identity provider such as Inera's
//! IdP for SITHS eID (`docs/OPERATIONS.md`, "Login with SITHS eID").
//!
//! The authorisation code flow with PKCE (`openidconnect`): [`Provider::begin`] discovers the
//! provider and makes the authorisation request with a fresh state, nonce and PKCE verifier,
//! which the caller keeps server-side (single use, with expiry) until the browser comes back;
//! [`Provider::finish`] exchanges the code and verifies the id token ([`verify_id_token`]).
//! Discovery happens at each step, so a provider that went down is noticed at once and named
//! ([`OidcError::ProviderDown`]) rather than sending the browser to a dead page.
//!
//! The account is found by a configured claim (`employeeHsaId` by default), never by `sub`
//! (Inera's is transient). Which `acr` values count as two factors is configured and matched
//! exactly (Inera's IdP itself supports exact matching only).

mod verify;

use std::sync::Arc;
use std::time::Duration;

use openidconnect::core::{CoreAuthenticationFlow, CoreClient};
use openidconnect::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadataWithLogout,
    RedirectUrl, Scope,
};

pub use verify::{CLOCK_SKEW, Expected, TokenRefusal, VerifiedLogin, verify_id_token};

/// How the client proves itself at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// `client_secret_post` (Inera's IdP).
    #[default]
    Post,
    /// `client_secret_basic`.
    Basic,
}

/// One identity provider as configured.
#[derive(Clone)]
pub struct ProviderSettings {
    /// Short id in URLs and the audit log (`siths`).
    pub id: String,
    /// The button's words (`SITHS eID`): "Log in with …".
    pub label: String,
    /// The issuer, exactly as the provider's discovery document gives it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub client_auth: ClientAuth,
    /// The claim that names the account (`employeeHsaId`); never `sub`.
    pub account_claim: String,
    /// The `acr` values that count as two factors, matched exactly.
    pub two_factor_acr: Vec<String>,
    /// Scopes besides `openid`.
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for ProviderSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderSettings")
            .field("id", &self.id)
            .field("label", &self.label)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("account_claim", &self.account_claim)
            .field("two_factor_acr", &self.two_factor_acr)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// Why a step of the flow failed.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider cannot be reached or answers nonsense (discovery, keys, token endpoint).
    #[error("the identity provider {provider} is not reachable: {detail}")]
    ProviderDown { provider: String, detail: String },
    /// The provider refused the code (expired, used, not ours).
    #[error("the identity provider refused the code: {0}")]
    CodeRefused(String),
    /// The token response has no id token.
    #[error("the identity provider sent no id token")]
    NoIdToken,
    /// The id token failed a check.
    #[error(transparent)]
    Token(#[from] TokenRefusal),
    /// The settings cannot work (a bad URL).
    #[error("the identity provider's settings: {0}")]
    Settings(String),
}

/// An authorisation request as sent: the browser goes to `url`; the rest is kept server-side.
#[derive(Debug, Clone)]
pub struct Begun {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// A finished login: the verified login, and what logout needs later.
#[derive(Debug, Clone)]
pub struct Finished {
    pub login: VerifiedLogin,
    /// The raw id token, for `id_token_hint` at logout.
    pub id_token: String,
}

type Metadata = ProviderMetadataWithLogout;

/// The client as built from discovery: authorisation and token endpoints set.
type RpClient = openidconnect::Client<
    openidconnect::EmptyAdditionalClaims,
    openidconnect::core::CoreAuthDisplay,
    openidconnect::core::CoreGenderClaim,
    openidconnect::core::CoreJweContentEncryptionAlgorithm,
    openidconnect::core::CoreJsonWebKey,
    openidconnect::core::CoreAuthPrompt,
    openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    openidconnect::core::CoreTokenResponse,
    openidconnect::core::CoreTokenIntrospectionResponse,
    openidconnect::core::CoreRevocableToken,
    openidconnect::core::CoreRevocationErrorResponse,
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// One configured identity provider and its HTTP client.
#[derive(Debug)]
pub struct Provider {
    pub settings: ProviderSettings,
    http: reqwest::Client,
}

/// The HTTP client for a provider: no redirects followed (a redirect from the token endpoint
/// could leak the code to another host), rustls, short timeouts, and no idle connections kept:
/// logins are rare, and a kept connection the provider has closed in the meantime fails the
/// next request ("connection reset") — a code cannot be sent twice.
fn http_client() -> Result<reqwest::Client, OidcError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(15))
        .build()
        .map_err(|e| OidcError::Settings(e.to_string()))
}

/// Whether a URL may be plain HTTP: loopback only (a test provider on this machine).
fn loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        None => false,
    }
}

impl Provider {
    /// A provider; refuses an issuer that is not HTTPS (except on loopback) and empty settings.
    pub fn new(settings: ProviderSettings) -> Result<Self, OidcError> {
        let issuer = url::Url::parse(&settings.issuer)
            .map_err(|e| OidcError::Settings(format!("issuer {:?}: {e}", settings.issuer)))?;
        if issuer.scheme() != "https" && !(issuer.scheme() == "http" && loopback(&issuer)) {
            return Err(OidcError::Settings(format!(
                "issuer {:?} must be https:// (plain http only on loopback)",
                settings.issuer
            )));
        }
        if settings.client_id.trim().is_empty() || settings.account_claim.trim().is_empty() {
            return Err(OidcError::Settings(
                "client_id and account_claim must not be empty".into(),
            ));
        }
        if settings.account_claim == "sub" {
            return Err(OidcError::Settings(
                "account_claim must not be \"sub\": the provider's subject is not the HSA-id \
                 (Inera's is transient)"
                    .into(),
            ));
        }
        Ok(Self {
            settings,
            http: http_client()?,
        })
    }

    /// The issuer's origin (`https://idp.example.se`), which its logout page is at.
    pub fn origin(&self) -> Option<String> {
        let u = url::Url::parse(&self.settings.issuer).ok()?;
        Some(u.origin().ascii_serialization()).filter(|o| o != "null")
    }

    fn down(&self, detail: impl std::fmt::Display) -> OidcError {
        OidcError::ProviderDown {
            provider: self.settings.id.clone(),
            detail: detail.to_string(),
        }
    }

    async fn discover(&self) -> Result<Metadata, OidcError> {
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| OidcError::Settings(e.to_string()))?;
        Metadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| self.down(error_chain(&e)))
    }

    fn client(&self, meta: Metadata, redirect_uri: &str) -> Result<RpClient, OidcError> {
        let redirect = RedirectUrl::new(redirect_uri.to_owned())
            .map_err(|e| OidcError::Settings(e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            meta,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(redirect)
        .set_auth_type(match self.settings.client_auth {
            ClientAuth::Post => AuthType::RequestBody,
            ClientAuth::Basic => AuthType::BasicAuth,
        }))
    }

    /// Discovers the provider and builds the authorisation request. `fresh` asks the person
    /// to authenticate again even with a session at the provider (`prompt=login`,
    /// `max_age=0`, and the two-factor `acr` values): a step-up, whose token must then show an
    /// `auth_time` after the request (see [`Expected::authenticated_after`]).
    pub async fn begin(&self, redirect_uri: &str, fresh: bool) -> Result<Begun, OidcError> {
        let meta = self.discover().await?;
        let client = self.client(meta, redirect_uri)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        // The account claim in the id token, as Inera's own client asks for it (an unknown
        // claim is ignored by the provider; not `essential`, so that a user without one gets
        // our page rather than the provider's error).
        let claims = serde_json::json!({
            "id_token": { self.settings.account_claim.clone(): null, "acr": null }
        });
        let mut req = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge)
            .add_extra_param("claims", claims.to_string());
        for s in &self.settings.scopes {
            if s != "openid" {
                req = req.add_scope(Scope::new(s.clone()));
            }
        }
        if fresh {
            req = req
                .add_prompt(openidconnect::core::CoreAuthPrompt::Login)
                .set_max_age(std::time::Duration::ZERO);
            for acr in &self.settings.two_factor_acr {
                req = req.add_auth_context_value(openidconnect::AuthenticationContextClass::new(
                    acr.clone(),
                ));
            }
        }
        let (url, state, nonce) = req.url();
        Ok(Begun {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges the code and verifies the id token against the nonce kept for this login.
    pub async fn finish(
        &self,
        redirect_uri: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
        now: jiff::Timestamp,
        authenticated_after: Option<jiff::Timestamp>,
    ) -> Result<Finished, OidcError> {
        let meta = self.discover().await?;
        let keys = meta.jwks().clone();
        let issuer = meta.issuer().as_str().to_owned();
        let client = self.client(meta, redirect_uri)?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Settings(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                openidconnect::RequestTokenError::ServerResponse(r) => {
                    OidcError::CodeRefused(r.error().to_string())
                }
                openidconnect::RequestTokenError::Request(r) => self.down(error_chain(&r)),
                other => self.down(error_chain(&other)),
            })?;
        let _ = response.access_token();
        let raw = openidconnect::TokenResponse::id_token(&response)
            .ok_or(OidcError::NoIdToken)?
            .to_string();
        let login = verify_id_token(
            &raw,
            &keys,
            &Expected {
                issuer: &issuer,
                client_id: &self.settings.client_id,
                nonce,
                now,
                account_claim: &self.settings.account_claim,
                two_factor_acr: &self.settings.two_factor_acr,
                authenticated_after,
            },
        )?;
        Ok(Finished {
            login,
            id_token: raw,
        })
    }

    /// Where to send the browser to end the provider's session too (RP-initiated logout),
    /// when the provider offers an `end_session_endpoint`; `None` when it does not or cannot be
    /// reached (then only the local session ends).
    pub async fn logout_url(&self, id_token: &str, after: &str) -> Option<String> {
        let meta = self.discover().await.ok()?;
        let end = meta
            .additional_metadata()
            .end_session_endpoint
            .as_ref()?
            .url()
            .clone();
        let mut url = end;
        url.query_pairs_mut()
            .append_pair("id_token_hint", id_token)
            .append_pair("client_id", &self.settings.client_id)
            .append_pair("post_logout_redirect_uri", after);
        Some(url.to_string())
    }
}

/// An error and its causes on one line (no secret is in any of them).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// The configured providers, in the order of their buttons.
#[derive(Debug, Clone, Default)]
pub struct Providers(Arc<Vec<Provider>>);

impl Providers {
    pub fn new(list: Vec<Provider>) -> Self {
        Self(Arc::new(list))
    }

    pub fn get(&self, id: &str) -> Option<&Provider> {
        self.0.iter().find(|p| p.settings.id == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Provider> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
