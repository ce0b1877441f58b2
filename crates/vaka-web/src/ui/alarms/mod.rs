//! Safety alarms: the alarm centre's console and an alarm's page, and the oversight pages
//! (technical alarms, device health, statistics).

pub mod console;
pub mod oversight;

use vaka_domain::access::Permission;

use crate::api::ALARM_ROLES;
use crate::identity::Access;
use crate::routes::Routes;

/// Registers the safety-alarm pages with the access each needs.
pub fn register(r: Routes) -> Routes {
    use Permission::{AlarmHandle, AlarmOversight, StatisticsRead, TechnicalCheck};
    r.get("/alarms", Access::Permission(AlarmHandle), console::console)
        .get(
            "/alarms/events",
            Access::Permission(AlarmHandle),
            console::queue_events,
        )
        .get(
            "/alarms/technical",
            Access::AnyOf(&[TechnicalCheck, AlarmHandle, AlarmOversight]),
            oversight::technical,
        )
        .post(
            "/alarms/technical/{id}/sign",
            Access::Permission(TechnicalCheck),
            oversight::sign,
        )
        .get(
            "/alarms/health",
            Access::AnyOf(&[AlarmOversight, AlarmHandle]),
            oversight::health,
        )
        .get(
            "/alarms/statistics",
            Access::Permission(StatisticsRead),
            oversight::statistics,
        )
        .get("/alarms/{id}", ALARM_ROLES, console::alarm_page)
        .get("/alarms/{id}/events", ALARM_ROLES, console::alarm_events)
        .post("/alarms/{id}/steps", ALARM_ROLES, console::step)
}
