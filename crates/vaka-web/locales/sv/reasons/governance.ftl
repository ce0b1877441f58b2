### Reasons about the management plan: vaka_domain::reason::GovernanceReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/governance.ftl, and every
### reason of the enum has a message (unit tests check both).

gov-may-not-manage = förvaltningsplanen hålls av systemförvaltaren
gov-ends-before-start = slutdagen får inte ligga före startdagen
gov-role-held = rollen har redan en innehavare under perioden; avsluta det uppdraget först
gov-account-not-active = kontot är inte aktivt
gov-assignment-ended = uppdraget är redan avslutat
gov-notice-period-negative = uppsägningstiden kan inte vara negativ
gov-notice-period-too-long = uppsägningstiden får vara högst { $max } månader
gov-availability-out-of-range = tillgängligheten anges i procent mellan 0 och 100, med högst en decimal
gov-unknown-supplier = leverantören har inget registrerat avtal
gov-status-backwards = status kan bara flyttas framåt
gov-may-not-sign-off = uppgiften signeras av den som har uppgiftens roll, eller av systemförvaltaren
gov-not-an-occurrence = dagen är inte en förfallodag för uppgiften som har inträffat
gov-signed-off-already = uppgiften är redan signerad för den dagen
gov-may-not-handle-incidents = incidenter hanteras av systemägaren, informationssäkerhetssamordnaren och systemförvaltaren
gov-may-not-report-faults = fel anmäls till leverantörer av systemförvaltaren och systemadministratören
gov-occurred-in-future = incidenten kan inte ha inträffat efter att den rapporteras
gov-holds-personnummer = texten innehåller ett personnummer; beskriv händelsen utan att namnge brukaren
