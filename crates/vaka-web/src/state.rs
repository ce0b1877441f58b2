//! What every handler can reach.

use std::num::NonZeroU32;
use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;
use vaka_service::Services;

/// Settings of the HTTP front end.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Set cookies with `Secure` (and the `__Host-` prefix): on whenever users reach the server
    /// over HTTPS, directly or behind a TLS-terminating proxy.
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy you control).
    pub trust_forwarded_for: bool,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Login attempts per minute from one address.
    pub login_attempts_per_minute: u32,
    /// How long a live view streams before the browser reconnects (through the access check,
    /// so an ended session stops getting updates).
    pub live_for: std::time::Duration,
    /// The identity providers offered on the login page (SITHS eID through OpenID Connect).
    pub oidc: vaka_oidc::Providers,
    /// The address people open Vaka at (`https://vaka.kommun.se`): the base of the addresses
    /// the identity providers send the browser back to. Without it, the request's own `Host`.
    pub public_url: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            trust_forwarded_for: false,
            max_body_bytes: 1024 * 1024,
            login_attempts_per_minute: 20,
            live_for: std::time::Duration::from_mins(5),
            oidc: vaka_oidc::Providers::default(),
            public_url: None,
        }
    }
}

/// Demo logins shown on the login page of `vaka demo` (never in `vaka serve`).
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub password: String,
    pub totp_secret: Option<String>,
    pub roles: Vec<String>,
}

pub struct Inner {
    pub services: Services,
    pub config: WebConfig,
    pub login_limiter: crate::login_limiter::LoginLimiter,
    pub metrics: Option<PrometheusHandle>,
    pub demo_logins: Vec<DemoLogin>,
    /// The connected cameras.
    pub cameras: vaka_gateway::camera::CameraHub,
    /// The connected locks.
    pub locks: vaka_gateway::lock::LockHub,
    /// Each session's last import report, for its further pages and its CSV file.
    pub import_reports: crate::kept_reports::KeptReports,
    /// The pages' Content-Security-Policy (see [`content_security_policy`]).
    pub content_security_policy: axum::http::HeaderValue,
}

/// The pages' Content-Security-Policy. Forms post to Vaka only — and, after the logout form,
/// to the identity providers' logout (a form's redirect is held to `form-action` too), so the
/// providers' origins are allowed there.
pub fn content_security_policy(oidc: &vaka_oidc::Providers) -> axum::http::HeaderValue {
    let mut form_action = "'self'".to_owned();
    for origin in oidc.iter().filter_map(vaka_oidc::Provider::origin) {
        form_action.push(' ');
        form_action.push_str(&origin);
    }
    let csp = format!(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
         object-src 'none'; frame-ancestors 'none'; form-action {form_action}; base-uri 'none'"
    );
    axum::http::HeaderValue::from_str(&csp).unwrap_or_else(|_| {
        axum::http::HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
    })
}

#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(
        services: Services,
        config: WebConfig,
        metrics: Option<PrometheusHandle>,
        demo_logins: Vec<DemoLogin>,
    ) -> Self {
        let per_min =
            NonZeroU32::new(config.login_attempts_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let (locks, reports) = vaka_gateway::lock::LockHub::new(
            vaka_gateway::lock::LockSettings::default(),
            services.clock.clone(),
        );
        crate::lock_reports::spawn_lock_reports(&services, &locks, reports);
        let csp = content_security_policy(&config.oidc);
        Self(Arc::new(Inner {
            services,
            login_limiter: crate::login_limiter::LoginLimiter::per_minute(per_min),
            config,
            metrics,
            demo_logins,
            cameras: vaka_gateway::camera::CameraHub::new(
                vaka_gateway::camera::CameraSettings::default(),
            ),
            import_reports: crate::kept_reports::KeptReports::default(),
            locks,
            content_security_policy: csp,
        }))
    }

    pub fn session_cookie_name(&self) -> &'static str {
        if self.config.secure_cookies {
            "__Host-vaka_session"
        } else {
            "vaka_session"
        }
    }
}
