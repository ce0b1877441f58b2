//! Which records a list asks for: the filters the use cases take and the store answers.

use crate::decision::OrderStatus;
use crate::device::{DeviceKind, DeviceStatus};
use crate::ids::{ClientId, OrganisationId};

/// Which orders to list.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub provider: Option<OrganisationId>,
    pub client: Option<ClientId>,
    pub status: Option<OrderStatus>,
}

/// Which devices to list.
#[derive(Debug, Clone, Default)]
pub struct DeviceFilter {
    pub kind: Option<DeviceKind>,
    pub status: Option<DeviceStatus>,
    pub client: Option<ClientId>,
    /// A prefix of the serial number.
    pub serial: Option<String>,
    pub limit: i64,
    /// How many to skip (paging).
    pub offset: i64,
}
