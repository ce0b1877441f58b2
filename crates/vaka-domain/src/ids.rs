//! Typed identifiers. A `UserId` can never be passed where a `ClientId` is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new, time-ordered identifier.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }
    };
}

id_type!(
    /// An organisation: the municipality, a provider or an alarm centre.
    OrganisationId
);
id_type!(
    /// A unit within an organisation (home-care group, night patrol, duty team...).
    UnitId
);
id_type!(
    /// A personal user account.
    UserId
);
id_type!(
    /// One role held by one user in one organisation or unit.
    RoleAssignmentId
);
id_type!(
    /// A client (brukare).
    ClientId
);
id_type!(
    /// A bearer token for the JSON API.
    ApiTokenId
);
id_type!(
    /// A decision on a service for a client.
    DecisionId
);
id_type!(
    /// The order that carries out a decision.
    OrderId
);
id_type!(
    /// A documented consent.
    ConsentId
);
id_type!(
    /// A pause of night supervision.
    PauseId
);
id_type!(
    /// A device: camera, alarm unit, lock or NFC tag.
    DeviceId
);
id_type!(
    /// A step in a device's history.
    DeviceEventId
);

id_type!(
    /// A login session.
    SessionId
);

id_type!(
    /// A planned supervision of one night (a look-in or a visit).
    TaskId
);

id_type!(
    /// Staff sent to a client because of a supervision task.
    DispatchId
);

id_type!(
    /// One look-in through a camera by one operator (the look-in log).
    LookInId
);

id_type!(
    /// One alarm: an operator's work item, from received to closed.
    AlarmId
);

id_type!(
    /// One DC-09 event message as received (the receiver's durable receipt log).
    AlarmMessageId
);

id_type!(
    /// One step in an alarm's log.
    AlarmLogId
);

id_type!(
    /// One signed (or missed) check of technical alarms.
    TechnicalCheckId
);
