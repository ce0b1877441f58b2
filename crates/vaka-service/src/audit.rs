//! Reading the audit log: search and export for log review, and verification of the chain.

use jiff::Timestamp;
use vaka_domain::access::Permission;
use vaka_domain::audit::{AuditAction, AuditEntry, ChainBreak, ChainVerifier, Outcome};
use vaka_domain::audit_checkpoint::{Checkpoint, CheckpointVerifier};
use vaka_domain::client::ClientSummary;
use vaka_domain::ids::{ClientId, UnitId, UserId};
use vaka_domain::personnummer::ClientIdentity;
use vaka_domain::reason::{AccessReason, RegistryReason};
use vaka_store::{AuditQuery, ClientQuery, StoreError};

use crate::directory::ADMIN;
use crate::door::{Op, Work};
use crate::error::Fault;
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// A search of the audit log as the caller asks it.
#[derive(Debug, Clone, Default)]
pub struct AuditSearch {
    pub actor: Option<UserId>,
    pub client: Option<ClientId>,
    pub action: Option<AuditAction>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub before_seq: Option<u64>,
    /// The page after this sequence number, towards the newest (paging forwards).
    pub after_seq: Option<u64>,
    pub limit: i64,
}

/// The result of `vaka audit verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Intact {
        entries: u64,
    },
    /// The chain is broken: `at` names the first bad entry.
    Broken {
        checked: u64,
        reason: String,
        seq: Option<u64>,
    },
}

const REVIEW: &str = "log_review";

impl Services {
    async fn audit_query(
        &self,
        ctx: &Ctx<'_>,
        q: &AuditSearch,
        p: Permission,
        action: AuditAction,
        max: i64,
        count: bool,
    ) -> ServiceResult<crate::Paged<AuditEntry>> {
        self.door
            .read(ctx.op(action, REVIEW), async |r| {
                let reach = ctx.principal.reach(p);
                if reach.is_empty() {
                    // A refused review is filed under administration, as it always was.
                    let mut e = r.entry(Outcome::Denied, None);
                    e.care_context = Some(ADMIN.to_owned());
                    return Err(Fault::denied(e, AccessReason::MayNotReadAuditLog));
                }
                let base = AuditQuery {
                    actor: q.actor,
                    client: q.client,
                    action: q.action,
                    from: q.from,
                    to: q.to,
                    actor_unit: None,
                    before_seq: q.before_seq,
                    after_seq: q.after_seq,
                    limit: q.limit.clamp(1, max),
                };
                // A unit manager reviews the entries of people acting through their own unit.
                let queries: Vec<AuditQuery> = if reach.everything {
                    vec![base.clone()]
                } else {
                    reach
                        .units
                        .iter()
                        .map(|u: &UnitId| AuditQuery {
                            actor_unit: Some(*u),
                            ..base.clone()
                        })
                        .collect()
                };
                let grant = ctx.principal.any_grant(p).cloned();
                let mut out = Vec::new();
                for query in &queries {
                    out.extend(r.search_audit(query).await?);
                }
                let limit = usize::try_from(base.limit).unwrap_or(usize::MAX);
                if q.after_seq.is_some() {
                    // Paging forwards: the entries closest above the cursor, newest first.
                    out.sort_by_key(|e| e.seq);
                    out.dedup_by_key(|e| e.seq);
                    out.truncate(limit);
                    out.reverse();
                } else {
                    out.sort_by_key(|e| std::cmp::Reverse(e.seq));
                    out.dedup_by_key(|e| e.seq);
                    out.truncate(limit);
                }
                // What is newer than the page: above its newest entry (or, for an empty page,
                // above its cursor).
                let newer_from = match (out.first(), q.after_seq) {
                    (Some(e), _) => Some(e.seq.saturating_add(1)),
                    (None, Some(after)) => Some(after.saturating_add(1)),
                    (None, None) => q.before_seq,
                };
                // Each entry has one acting unit, so the counts of the units' queries add up.
                let (mut total, mut newer) = (0, 0);
                if count {
                    for query in &queries {
                        let query = AuditQuery {
                            before_seq: newer_from,
                            after_seq: None,
                            ..query.clone()
                        };
                        let (t, n) = r.count_audit(&query).await?;
                        total += t;
                        newer += n;
                    }
                }
                let filters = serde_json::json!({
                    "actor": q.actor, "client": q.client, "action": q.action.map(vaka_domain::audit::AuditAction::code),
                    "from": q.from.map(|t| t.to_string()), "to": q.to.map(|t| t.to_string()),
                    "results": out.len(),
                });
                let (total, offset) = if count {
                    (total, newer)
                } else {
                    (i64::try_from(out.len()).unwrap_or(i64::MAX), 0)
                };
                r.succeeded(grant.as_ref(), |mut e| {
                    e.client_id = q.client;
                    e.details(filters.to_string())
                });
                Ok(crate::Paged {
                    items: out,
                    offset,
                    total,
                })
            })
            .await
    }

    /// The client a log reviewer means by a personnummer (any common form) or the start of a
    /// name: the filter of the log review. Looking a client up reads personal data, so it is
    /// audited (in the review's care context, naming the client found) and bound by
    /// need-to-know: a municipality-wide reviewer looks up any client (they review the whole
    /// log); a unit's reviewer only clients they may read. A client outside that answers as
    /// none (the refusal is audited, naming the client). `Ok(None)` for empty text.
    pub async fn find_client_for_review(
        &self,
        ctx: &Ctx<'_>,
        text: &str,
    ) -> ServiceResult<Option<ClientId>> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let today = self.today();
        // The lookup's entries are kept whatever it finds: the closure answers `Ok` with the
        // reason to refuse, which becomes the error once they are committed.
        let found = self
            .door
            .read(ctx.op(AuditAction::ClientsListed, REVIEW), async |r| {
                let reach = ctx.principal.reach(Permission::AuditRead);
                if reach.is_empty() {
                    let mut e = r.entry(Outcome::Denied, None);
                    e.care_context = Some(ADMIN.to_owned());
                    return Err(Fault::denied(e, AccessReason::MayNotReadAuditLog));
                }
                let grant = ctx.principal.any_grant(Permission::AuditRead).cloned();
                let compact: String = text
                    .chars()
                    .filter(|c| !c.is_whitespace() && *c != '-' && *c != '+')
                    .collect();
                let found: Vec<ClientSummary> =
                    if !compact.is_empty() && compact.bytes().all(|b| b.is_ascii_digit()) {
                        let identity = ClientIdentity::parse_official(text, today)
                            .map_err(|e| Fault::invalid("client", e.reason()))?;
                        match r.find_client_by_identity(identity.as_str()).await? {
                            Some(id) => r.get_client_summary(id).await?.into_iter().collect(),
                            None => Vec::new(),
                        }
                    } else if reach.everything {
                        r.find_clients_by_name(text, 2).await?
                    } else {
                        let q = ClientQuery {
                            search: Some(text.to_owned()),
                            searched: true,
                            limit: 2,
                            offset: 0,
                        };
                        r.list_clients_in_reach(ctx.principal.user_id, &q).await?
                    };
                let one = match found.as_slice() {
                    [] => None,
                    [one] => Some(one.clone()),
                    _ => {
                        let mut e = r.entry(Outcome::Success, grant.as_ref());
                        e.details = Some(
                            serde_json::json!({ "lookup": "audit_client", "results": found.len() })
                                .to_string(),
                        );
                        r.record(e);
                        return Ok(Err(RegistryReason::SeveralClientsMatch));
                    }
                };
                // Need-to-know: outside the whole log, only clients the reviewer may read.
                let allowed = one.as_ref().is_some_and(|c| {
                    reach.everything
                        || ctx
                            .principal
                            .client_grant_for(Permission::ClientRead, c.provider_id, c.unit_id)
                            .is_some()
                });
                let mut e = r.entry(
                    if one.is_some() && !allowed {
                        Outcome::Denied
                    } else {
                        Outcome::Success
                    },
                    grant.as_ref(),
                );
                e.client_id = one.as_ref().map(|c| c.id);
                e.flags.protected_identity =
                    one.as_ref().is_some_and(|c| c.protection.is_protected());
                e.details = Some(
                    serde_json::json!({ "lookup": "audit_client", "results": usize::from(allowed) })
                        .to_string(),
                );
                r.record(e);
                Ok(match one {
                    Some(c) if allowed => Ok(c.id),
                    _ => Err(RegistryReason::NoClientForReview),
                })
            })
            .await?;
        found
            .map(Some)
            .map_err(|reason| ServiceError::invalid("client", reason))
    }

    /// Searches the log, newest first (log review).
    pub async fn search_audit(
        &self,
        ctx: &Ctx<'_>,
        q: &AuditSearch,
    ) -> ServiceResult<Vec<AuditEntry>> {
        Ok(self
            .audit_query(
                ctx,
                q,
                Permission::AuditRead,
                AuditAction::AuditSearched,
                500,
                false,
            )
            .await?
            .items)
    }

    /// One page of a search of the log, newest first, with how many entries match in all and
    /// how many newer ones come before the page (log review).
    pub async fn search_audit_page(
        &self,
        ctx: &Ctx<'_>,
        q: &AuditSearch,
    ) -> ServiceResult<crate::Paged<AuditEntry>> {
        self.audit_query(
            ctx,
            q,
            Permission::AuditRead,
            AuditAction::AuditSearched,
            500,
            true,
        )
        .await
    }

    /// The entries for a CSV export (at most 100,000 per export).
    pub async fn export_audit(
        &self,
        ctx: &Ctx<'_>,
        q: &AuditSearch,
    ) -> ServiceResult<Vec<AuditEntry>> {
        Ok(self
            .audit_query(
                ctx,
                q,
                Permission::AuditExport,
                AuditAction::AuditExported,
                100_000,
                false,
            )
            .await?
            .items)
    }

    /// The head of the chain as the store records it: the last entry's sequence number and
    /// hash (`(0, GENESIS_HASH)` for an empty log).
    pub async fn audit_head(&self) -> ServiceResult<(u64, [u8; 32])> {
        let op = Op::cli(AuditAction::AccessDenied, REVIEW);
        self.door
            .read(op, async |r| Ok(r.audit_head().await?))
            .await
    }

    /// Walks the whole chain in order and compares its end with the stored head.
    pub async fn verify_audit(&self) -> ServiceResult<Verification> {
        self.verify_audit_with(&CheckpointVerifier::default()).await
    }

    /// Walks the whole chain in order, compares its end with the stored head, and checks it
    /// against signed checkpoints kept outside the database: a chain shorter than a
    /// checkpoint, or whose entry at a checkpoint has another hash, was cut or rewritten.
    ///
    /// Entries are read in pages; while the next page is read, the hashes of the last one
    /// are recomputed on another thread (each entry's own hash needs only its fields). The
    /// links between entries are then checked in order.
    pub async fn verify_audit_with(
        &self,
        checkpoints: &CheckpointVerifier,
    ) -> ServiceResult<Verification> {
        const PAGE: i64 = 10_000;
        let fetch = |after: u64| {
            let pages = self.door.audit_pages();
            tokio::spawn(async move { pages.page(after, PAGE).await })
        };
        // A purged log starts after its newest anchor: the last purged entry's hash, signed
        // with the audit key when the purge ran.
        let anchor = {
            let op = Op::cli(AuditAction::AccessDenied, REVIEW);
            self.door
                .read(op, async |r| Ok(r.latest_audit_anchor().await?))
                .await?
        };
        let mut verifier = match &anchor {
            None => ChainVerifier::default(),
            Some(a) => {
                let signed = Checkpoint {
                    seq: a.seq,
                    hash: a.hash,
                    at: a.at,
                    key: a.key,
                    signature: a.signature,
                };
                let why = if !signed.signature_valid() {
                    Some("the anchor of the purged log has no valid signature")
                } else if !checkpoints.trusts(&a.key) {
                    Some("the anchor of the purged log is signed with a key that is not trusted")
                } else {
                    None
                };
                if let Some(why) = why {
                    return Ok(Verification::Broken {
                        checked: 0,
                        seq: Some(a.seq),
                        reason: why.into(),
                    });
                }
                if let Err(b) = checkpoints.observe(a.seq, &a.hash) {
                    return Ok(Verification::Broken {
                        checked: 0,
                        seq: b.seq(),
                        reason: b.to_string(),
                    });
                }
                ChainVerifier::from_anchor(a.seq, a.hash)
            }
        };
        let mut next = Some(fetch(verifier.last_seq()));
        while let Some(page) = next.take() {
            let entries = match page
                .await
                .map_err(|e| ServiceError::internal_caused("verification task failed", e))?
            {
                Ok(e) => e,
                Err(StoreError::Corrupt { context, source }) => {
                    let m = match source {
                        Some(s) => format!("{context}: {s}"),
                        None => context.into_owned(),
                    };
                    return Ok(Verification::Broken {
                        checked: verifier.count(),
                        seq: Some(verifier.last_seq() + 1),
                        reason: format!("unreadable entry ({m})"),
                    });
                }
                Err(e) => return Err(ServiceError::from(e)),
            };
            let Some(last) = entries.last().map(|e| e.seq) else {
                break;
            };
            // The next page loads while this one's hashes are recomputed on another thread.
            if i64::try_from(entries.len()) == Ok(PAGE) {
                next = Some(fetch(last));
            }
            let (entries, ok) = tokio::task::spawn_blocking(move || {
                let ok: Vec<bool> = entries.iter().map(|e| e.compute_hash() == e.hash).collect();
                (entries, ok)
            })
            .await
            .map_err(|e| ServiceError::internal_caused("verification task failed", e))?;
            for (e, hash_ok) in entries.iter().zip(ok) {
                if let Err(b) = verifier.push_checked(e, hash_ok) {
                    return Ok(Verification::Broken {
                        checked: verifier.count(),
                        seq: Some(break_seq(&b)),
                        reason: b.to_string(),
                    });
                }
                if let Err(b) = checkpoints.observe(e.seq, &e.hash) {
                    return Ok(Verification::Broken {
                        checked: verifier.count().saturating_sub(1),
                        seq: b.seq(),
                        reason: b.to_string(),
                    });
                }
            }
        }
        let (head_seq, head_hash) = self.audit_head().await?;
        if let Err(b) = verifier.finish(head_seq, head_hash) {
            return Ok(Verification::Broken {
                checked: verifier.count(),
                seq: Some(break_seq(&b)),
                reason: b.to_string(),
            });
        }
        match checkpoints.finish(verifier.last_seq()) {
            Ok(_) => Ok(Verification::Intact {
                entries: verifier.count(),
            }),
            Err(b) => Ok(Verification::Broken {
                checked: verifier.count(),
                seq: b.seq(),
                reason: b.to_string(),
            }),
        }
    }
}

fn break_seq(b: &ChainBreak) -> u64 {
    match b {
        ChainBreak::Sequence { found, .. } => *found,
        ChainBreak::PrevHash { seq } | ChainBreak::Hash { seq } => *seq,
        ChainBreak::Head { found_seq, .. } => found_seq + 1,
    }
}
