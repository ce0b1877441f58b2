//! Night supervision by camera: the operator's console and look-ins, the client's supervision
//! log, and the statistics.

pub mod console;
pub mod log;
pub mod statistics;

use vaka_domain::access::Permission;

use crate::identity::Access;
use crate::routes::Routes;

/// Registers the night-supervision pages with the access each needs.
pub fn register(r: Routes) -> Routes {
    use Permission::{StatisticsRead, Supervise, SupervisionLogExport};
    r.get(
        "/supervision",
        Access::Permission(Supervise),
        console::console,
    )
    .get(
        "/supervision/events",
        Access::Permission(Supervise),
        console::queue_events,
    )
    .post(
        "/supervision/tasks/{id}/look-in",
        Access::Permission(Supervise),
        console::start_look_in,
    )
    .post(
        "/supervision/tasks/{id}/outcome",
        Access::Permission(Supervise),
        console::record_outcome,
    )
    .get(
        "/supervision/look-ins/{id}",
        Access::Permission(Supervise),
        console::look_in_page,
    )
    .get(
        "/supervision/look-ins/{id}/stream",
        Access::Permission(Supervise),
        console::look_in_stream,
    )
    .get(
        "/supervision/statistics",
        Access::Permission(StatisticsRead),
        statistics::page,
    )
    .get(
        "/clients/{id}/supervision-log",
        Access::Permission(SupervisionLogExport),
        log::page,
    )
}
