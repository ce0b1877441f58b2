### Reasons about safety alarms: vaka_domain::reason::AlarmReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/alarm.ftl, and every
### reason of the enum has a message (unit tests check both).

alarm-closed = larmet är avslutat
