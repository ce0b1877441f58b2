### Reasons about night supervision: vaka_domain::reason::SupervisionReason.
###
### English. Every message here has the same id in locales/sv/reasons/supervision.ftl, and every
### reason of the enum has a message (unit tests check both).

supervision-window-not-open = the window has not opened
