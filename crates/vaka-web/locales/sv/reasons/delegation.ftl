### Reasons about delegated health-care tasks: vaka_domain::reason::DelegationReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/delegation.ftl, and
### every reason of the enum has a message (unit tests check both).

## Licences and task types
delegation-licence-number-shape = ett legitimationsnummer är 1–{ $max } siffror
delegation-unknown-profession = okänd yrkesgrupp: { $code }
delegation-task-type-code-shape = en insatstyps kod är 1–{ $max } av a–z, 0–9 och '_' och börjar med en bokstav
delegation-act-not-delegable = { $code } är bedömning, ordination eller uppföljning, som stannar hos legitimerad personal och aldrig får delegeras
delegation-task-type-name-required = insatstypen behöver ett namn
delegation-prescribers-required = ange minst en yrkesgrupp som får ordinera insatstypen
delegation-unknown-task-type = insatstypen { $code } finns inte i kommunens lista
delegation-task-type-retired = insatstypen { $task } används inte längre
delegation-task-type-code-taken = koden { $code } finns redan i listan: ändra den insatstypen i stället

## Delegations
delegation-no-licence = bara legitimerad personal (sjuksköterska, arbetsterapeut, fysioterapeut) får göra detta
delegation-profession-may-not-delegate = din yrkesgrupp får inte delegera { $task }
delegation-to-oneself = du kan inte delegera till dig själv
delegation-clients-required = ange minst en brukare, eller välj hela enheten
delegation-client-twice = en brukare är angiven två gånger
delegation-competence-check-required = dokumentera hur medarbetarens kompetens kontrollerades
delegation-competence-note-required = beskriv hur kompetensen kontrollerades
delegation-competence-check-after-start = kompetensen ska kontrolleras innan delegeringen börjar gälla
delegation-ends-before-start = delegeringen slutar innan den börjar
delegation-longer-than-a-year = en delegering gäller högst ett år: sista dagen får vara senast { $last }
delegation-starts-in-the-past = en delegering kan inte börja före i dag
delegation-not-a-party = bara den som delegerar och medarbetaren signerar delegeringen
delegation-already-signed = du har redan signerat delegeringen
delegation-no-longer-open = delegeringen är återkallad, upphörd eller utgången och kan inte längre signeras
delegation-revocation-note-required = skriv varför delegeringen återkallas
delegation-already-ended = delegeringen är redan återkallad eller har upphört
delegation-leave-too-far-back = en ledighet kan registreras högst ett år bakåt: första dagen tidigast { $earliest }
delegation-leave-ends-before-start = ledighetens sista dag kan inte vara före den första ({ $from })
delegation-leave-already-running = en ledighet pågår redan sedan { $from }: avsluta den först
delegation-no-running-leave = ingen ledighet pågår

## Prescribed tasks
delegation-profession-may-not-prescribe = din yrkesgrupp får inte ordinera { $task }
delegation-times-or-as-needed = ange klockslag, eller markera insatsen som vid behov
delegation-times-and-as-needed = en insats har antingen klockslag eller ges vid behov, inte båda
delegation-time-twice = klockslaget { $time } är angivet två gånger
delegation-too-many-times = högst { $max } klockslag per dag
delegation-instruction-required = skriv instruktionen
delegation-too-long = får vara högst { $max } tecken
delegation-prescription-ends-before-start = insatsen slutar innan den börjar
delegation-window-out-of-range = signeringsfönstret före och efter klockslaget är 0–{ $max } minuter
delegation-duplicate-prescription = brukaren har redan den här insatsen klockan { $time }

## Signing
delegation-outside-reach = brukaren hör inte till dina enheter
delegation-no-delegation = du har ingen delegering för { $task } som gäller den här brukaren
delegation-delegation-not-valid = din delegering för { $task } gäller inte nu (inte signerad av båda, inte påbörjad, utgången, återkallad eller upphörd)
delegation-not-yet-open = för tidigt: kan signeras från { $opens }
delegation-occasion-already-signed = tillfället är redan signerat
delegation-signing-id-reused = en signering med samma id har redan skickats med annat innehåll
delegation-outcome-only-for-scheduled = en vid behov-insats signeras som "given vid behov"
delegation-outcome-only-for-as-needed = "given vid behov" gäller bara vid behov-insatser
delegation-outcome-note-required = det här utfallet behöver sin orsak eller kommentar
delegation-prescription-not-active = vid behov-insatsen är inte ordinerad för den här dagen
delegation-effect-only-for-as-needed = effekt noteras bara för en given vid behov-insats
delegation-effect-already-noted = effekten är redan noterad

## Escalation and deviations
delegation-steps-required = eskaleringen behöver minst ett steg
delegation-recipients-required = varje eskaleringssteg behöver någon att larma
delegation-first-step-nurse-and-manager = första steget larmar den som ordinerat och enhetschefen
delegation-step-minutes-order = stegen kommer i stigande minuter, högst { $max } minuter efter att fönstret stängts
delegation-too-many-steps = högst { $max } steg
delegation-deviation-note-required = skriv hur avvikelsen följts upp
delegation-deviation-already-closed = avvikelsen är redan avslutad
delegation-deviation-needs-licence = bara legitimerad personal avslutar en avvikelse
delegation-may-not-delegate = din roll delegerar eller ordinerar inte här
delegation-may-not-sign = din roll signerar inte delegerade insatser
delegation-may-not-oversee = din roll följer inte upp den här enhetens delegeringar
delegation-may-not-manage-task-types = din roll för inte listan över insatstyper eller legitimationer
delegation-may-not-revoke = bara den som delegerat, legitimerad personal eller enhetschefen återkallar en delegering
delegation-may-not-record-leave = bara den som administrerar konton eller enhetschefen där personen arbetar registrerar ledighet
delegation-recipient-not-in-unit = medarbetaren arbetar inte på enheten
delegation-client-not-in-unit = brukaren hör inte till enheten
delegation-unknown-occasion = ordinationen har inget sådant tillfälle
delegation-ladder-recipient-not-in-unit = en namngiven mottagare följer inte upp den här enhetens delegeringar
delegation-week-format = ange vecka som ÅÅÅÅ-Wvv, till exempel 2026-W49
