### Reasons about night supervision: vaka_domain::reason::SupervisionReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/supervision.ftl, and every
### reason of the enum has a message (unit tests check both).

supervision-window-not-open = fönstret har inte öppnat
