//! The demo's NFC tags: one at the door of every home-care client, most of them secure (SUN,
//! NTAG 424 DNA), every fifth plain (NTAG21x, weaker). Their keys and UIDs are derived from
//! the tag's number, so they are known: the demo's "simulated tag" and the tests compute a
//! valid tap URL for any counter ([`simulated_tap_url`]). Demo keys only — never in production.

use serde::Serialize;
use sha2::{Digest, Sha256};
use vaka_domain::access::Principal;
use vaka_domain::device::{DeviceKind, DeviceStep};
use vaka_domain::filters::DeviceFilter;
use vaka_domain::ids::{ClientId, DeviceId};
use vaka_domain::nfc::sun::{self, SdmKey};
use vaka_domain::nfc::{TagId, TagStrength};
use vaka_service::registry::devices::{DeviceStepInput, TestSeen};
use vaka_service::registry::tags::{TagInput, at_door};
use vaka_service::{Ctx, RequestMeta, Services};

/// A demo tag as written to `demo-credentials.json`.
#[derive(Debug, Clone, Serialize)]
pub struct DemoTag {
    pub client_id: ClientId,
    pub device_id: DeviceId,
    /// The id in the tag's URL (`/t/<tag_id>`).
    pub tag_id: String,
    pub strength: TagStrength,
    /// Lowercase hex.
    pub uid: String,
    /// SUN tags: the AES key as 32 hex digits (a demo key: known on purpose).
    pub key_hex: Option<String>,
}

/// Bytes derived from the demo tag number `i` and a label.
fn derived(label: &str, i: usize) -> [u8; 32] {
    Sha256::digest(format!("vaka demo tag {label} {i}").as_bytes()).into()
}

/// The key of demo tag `i`.
pub fn demo_key(i: usize) -> SdmKey {
    let d = derived("key", i);
    let mut k = [0u8; 16];
    k.copy_from_slice(&d[..16]);
    SdmKey::from_bytes(k)
}

/// The UID of demo tag `i` (NXP's manufacturer byte 04 first, as on real tags).
pub fn demo_uid(i: usize) -> [u8; 7] {
    let d = derived("uid", i);
    [0x04, d[0], d[1], d[2], d[3], d[4], d[5]]
}

/// Whether demo tag `i` is plain (every fifth). The home-care demo puts clients `i % 5 < 3` in
/// the municipality's own unit and the rest with the private provider: the plain tags are in the
/// own unit, so each unit's staff meet one kind of tag the browser tests count on (a plain tag's
/// same URL on every tap offline; a SUN tag's URL proving a tap).
fn is_plain(i: usize) -> bool {
    i % 5 == 2
}

/// The URL a demo SUN tag opens on the tap that reads `counter` (`base` the server's address),
/// or the plain tag's URL; `None` for a tag id that does not read.
pub fn simulated_tap_url(base: &str, tag: &DemoTag, counter: u32) -> Option<String> {
    let id = TagId::parse(&tag.tag_id).ok()?;
    match &tag.key_hex {
        Some(k) => {
            let key = SdmKey::parse(k).ok()?;
            let uid: [u8; 7] = hex::decode(&tag.uid).ok()?.try_into().ok()?;
            Some(sun::simulated_tap_url(base, &id, &key, uid, counter))
        }
        None => Some(vaka_domain::nfc::tag_url(base, &id)),
    }
}

/// Sets up a tag at the door of each of `clients` (in this order: the numbers, keys and UIDs
/// follow it): the client's tag at the door if it has one (the home-care demo registers them),
/// else a tag ordered and installed; its UID and known key recorded.
pub async fn seed(
    services: &Services,
    admin: &Principal,
    meta: &RequestMeta,
    clients: &[ClientId],
) -> anyhow::Result<Vec<DemoTag>> {
    let ctx = Ctx::new(admin, meta);
    let mut tags = Vec::with_capacity(clients.len());
    for (i, &client) in clients.iter().enumerate() {
        let strength = if is_plain(i) {
            TagStrength::Plain
        } else {
            TagStrength::Sun
        };
        let at_door = services
            .list_devices(
                &ctx,
                DeviceFilter {
                    kind: Some(DeviceKind::NfcTag),
                    status: None,
                    client: Some(client),
                    serial: None,
                    limit: 100,
                    offset: 0,
                },
            )
            .await?
            .into_iter()
            .find(|d| at_door(d.status));
        let id = if let Some(d) = at_door {
            d.id
        } else {
            // Ordered and installed: a tag has no test to pass, installed it is at the door.
            let ordered = services.order_tag(&ctx, client, strength).await?;
            services
                .device_step(
                    &ctx,
                    ordered.device.id,
                    DeviceStepInput {
                        step: DeviceStep::Install,
                        client_id: None,
                        note: None,
                    },
                    TestSeen::NOTHING,
                )
                .await?;
            ordered.device.id
        };
        let uid = hex::encode(demo_uid(i));
        let key = (strength == TagStrength::Sun).then(|| demo_key(i).to_hex());
        let set = services
            .provision_tag(
                &ctx,
                id,
                TagInput {
                    uid: Some(uid.clone()),
                    strength,
                    sdm_key: key.clone(),
                },
            )
            .await?;
        tags.push(DemoTag {
            client_id: client,
            device_id: id,
            tag_id: set.tag.tag_id,
            strength,
            uid,
            key_hex: key,
        });
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_taps_verify_under_the_demo_keys() {
        let tag = DemoTag {
            client_id: ClientId::new(),
            device_id: DeviceId::new(),
            tag_id: "abcdefghijklmnopqrstuv".into(),
            strength: TagStrength::Sun,
            uid: hex::encode(demo_uid(3)),
            key_hex: Some(demo_key(3).to_hex()),
        };
        let url = simulated_tap_url("http://localhost:8080", &tag, 7).unwrap();
        let (id, query) = vaka_domain::nfc::parse_tag_url(&url).unwrap();
        assert_eq!(id.as_str(), tag.tag_id);
        let msg = sun::parse_sun_query(query).unwrap().unwrap();
        let read = sun::verify(&msg, &demo_key(3)).unwrap();
        assert_eq!((read.uid.as_str(), read.counter), (tag.uid.as_str(), 7));
        assert!(
            sun::verify(&msg, &demo_key(4)).is_err(),
            "each tag has its own key"
        );
        // Every fifth tag is plain, and only in the municipality's own unit (`i % 5 < 3`).
        let plain: Vec<usize> = (0..30).filter(|&i| is_plain(i)).collect();
        assert_eq!(plain.len(), 6, "{plain:?}");
        assert!(plain.iter().all(|i| i % 5 < 3), "{plain:?}");
    }
}
