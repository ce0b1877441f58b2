### Reasons about safety alarms: vaka_domain::reason::AlarmReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/alarm.ftl, and every
### reason of the enum has a message (unit tests check both).

## The alarm's state machine.
alarm-closed = larmet är avslutat
alarm-held-by-another-operator = en annan operatör har larmet
alarm-already-being-handled = larmet hanteras redan
alarm-only-holder-releases = bara operatören som har larmet kan släppa det (före utlarmning)
alarm-take-first = ta larmet först
alarm-take-before-dispatch = ta larmet innan du larmar ut
alarm-nothing-to-acknowledge = det finns inget att kvittera
alarm-acknowledge-first = kvittera utlarmningen först
alarm-cannot-close-now = du kan inte avsluta larmet nu

## The console and the responders.
alarm-may-not-handle = dina roller omfattar inte att hantera larm
alarm-may-not-respond = dina roller omfattar inte att svara på larm
alarm-outside-need-to-know = larmet ligger utanför ditt behov av åtkomst
alarm-note-empty = skriv vad anteckningen gäller
alarm-note-missing = skriv anteckningen
alarm-note-too-long = högst { $max } tecken
alarm-close-needs-note = beskriv vad som hände när orsaken är Annan
alarm-no-client-to-dispatch = ett larm utan brukare kan inte larmas ut
alarm-changed-meanwhile = larmet ändrades under tiden; ladda om och försök igen
alarm-choose-step = välj ett steg: ta, släpp, kontakt, anteckning, larma ut, kvittera, på väg, framme eller avsluta
alarm-choose-link = välj nattpatrull, hemtjänstgrupp eller anhörig
alarm-choose-cause = välj en orsak

## Technical alarms, the chain's health, statistics.
alarm-may-not-see-technical = dina roller omfattar inte tekniska larm
alarm-may-not-see-chain-health = dina roller omfattar inte larmkedjans hälsa
alarm-may-not-read-statistics = dina roller omfattar inte statistik
alarm-only-technical-contact-signs = bara utförarens teknikansvarige signerar dess kontroller
alarm-check-already-signed = kontrollen är redan signerad
