### Reasons about safety alarms: vaka_domain::reason::AlarmReason.
###
### English. Every message here has the same id in locales/sv/reasons/alarm.ftl, and every
### reason of the enum has a message (unit tests check both).

alarm-closed = the alarm is closed
