### Reasons about the operating routines: vaka_domain::reason::OperationsReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/operations.ftl, and every
### reason of the enum has a message (unit tests check both).

operations-downtime-ends-before-start = driftstoppet måste sluta efter att det börjar
operations-downtime-outside-window = planerade driftstopp läggs { $first_day }–{ $last_day } mellan { $from } och { $to }
operations-downtime-ends-past-window = driftstoppet måste vara slut senast { $to }
operations-downtime-on-holiday = { $holiday } är en helgdag: planerade driftstopp läggs på vardagar
operations-downtime-too-soon = planerade driftstopp meddelas minst { $days } dagar i förväg: tidigast { $earliest }
operations-downtime-day-out-of-range = dagen går inte att använda
operations-may-not-publish-notices = bara kommunens systemansvariga och systemadministratörer meddelar driftstopp
operations-may-not-acknowledge = bara kontaktpersonen hos en berörd utförare kvitterar driftstoppet
operations-notice-cancelled = driftstoppet är inställt
operations-notice-over = driftstoppet är redan avslutat
operations-may-not-manage-outages = bara kommunens systemansvariga och systemadministratörer markerar störningar som åtgärdade
operations-outage-resolved = störningen är redan markerad som åtgärdad
operations-may-not-print-reserve-list = bara enhetschefer och nattpatrullen skriver ut reservlistan
operations-may-not-keep-contacts = bara organisationens administratör eller kommunens systemadministratör anger kontaktpersoner
operations-contacts-are-providers = kontaktpersoner anges för utförare och larmcentraler
operations-contact-needs-phone-or-email = ange telefonnummer eller e-postadress
operations-contact-not-named = kontaktpersonen är inte angiven ännu
