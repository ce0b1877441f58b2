//! What every use case knows about the request it serves.

use jiff::Timestamp;
use vaka_domain::access::{Assignment, Principal};
use vaka_domain::audit::{Actor, AuditAction, NewAuditEntry, Outcome};

/// Facts about the request, for the audit log. Never holds personal data of clients.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub request_id: Option<String>,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
}

/// An authenticated caller and its request.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub principal: &'a Principal,
    pub meta: &'a RequestMeta,
}

impl<'a> Ctx<'a> {
    pub fn new(principal: &'a Principal, meta: &'a RequestMeta) -> Self {
        Self { principal, meta }
    }

    /// A unit of work on this caller's behalf, audited as `action` in `care_context`.
    pub(crate) fn op(
        &self,
        action: AuditAction,
        care_context: &'static str,
    ) -> crate::door::Op<'a> {
        crate::door::Op::caller(self, action, care_context)
    }

    /// An audit entry for an action taken through `grant` (the assignment that allowed it).
    pub fn entry(
        &self,
        at: Timestamp,
        action: AuditAction,
        outcome: Outcome,
        grant: Option<&Assignment>,
        care_context: &str,
    ) -> NewAuditEntry {
        let mut e = NewAuditEntry::new(at, Actor::acting(self.principal, grant), action, outcome);
        e.request_id.clone_from(&self.meta.request_id);
        e.source_ip.clone_from(&self.meta.source_ip);
        e.care_context = Some(care_context.to_owned());
        e
    }
}
