### Reasons about home care: granted tasks, visit plans, visits and their sync, corrections,
### approval, the lock date and the payment basis: vaka_domain::reason::HomecareReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/homecare.ftl, and every
### reason of the enum has a message (unit tests check both).

homecare-tasks-required = ange minst en insats
homecare-task-twice = en insats kan bara beviljas en gång i samma beslut
homecare-unknown-task = { $code } är ingen insats i listan
homecare-granted-minutes-out-of-range = beviljad tid ska vara 1–{ $max } minuter
homecare-tasks-only-for-home-care = insatser med tid anges bara för hemtjänst
homecare-weekdays-required = välj minst en veckodag
homecare-unknown-weekday = { $code } är ingen veckodag
homecare-window-backwards = tidsfönstrets slut ska vara efter dess början samma dag
homecare-task-not-granted = insatsen { $task } är inte beviljad i beslutet
homecare-expected-minutes-out-of-range = förväntad tid ska vara 1–{ $max } minuter
homecare-plan-ends-before-start = planen kan inte sluta innan den börjar
homecare-plan-outside-decision = planen måste ligga inom beslutets giltighetstid
homecare-not-a-home-care-decision = beslutet gäller inte hemtjänst
homecare-unit-of-another-provider = enheten hör inte till brukarens utförare
homecare-plan-already-ended = planen är redan avslutad
homecare-client-of-another-unit = brukaren hör till en annan enhet än din
homecare-client-ended = brukaren har inget gällande hemtjänstbeslut den dagen
homecare-no-plan-today = brukaren har inget planerat besök den dagen
homecare-plan-of-another-client = planen hör till en annan brukare
homecare-unknown-tag = taggen är inte registrerad
homecare-tag-not-bound = taggen är inte kopplad till någon brukare
homecare-tag-of-another-client = taggen sitter hos en annan brukare
homecare-evidence-required = läs av taggen, eller ange varför start eller slut registreras utan tagg
homecare-visit-not-started = besöket har ingen registrerad start
homecare-visit-already-started = besöket är redan startat
homecare-visit-already-ended = besöket är redan avslutat
homecare-end-before-start = besökets slut kan inte vara före dess start
homecare-not-your-visit = besöket är en annan medarbetares eller brukares
homecare-field-required = { $field } saknas
homecare-too-long = texten får vara högst { $max } tecken
homecare-record-id-reused = posten har ett id som redan använts för en annan post
homecare-batch-too-large = högst { $max } poster per synkronisering
homecare-correction-text-required = beskriv rättelsen med text
homecare-correction-reason-required = välj orsak till rättelsen
homecare-nothing-to-correct = rättelsen ändrar ingenting
homecare-period-locked = perioden är låst till och med { $through }: ändringar kräver att kommunen öppnar den igen
homecare-week-starts-monday = en vecka anges med sin måndag
homecare-week-not-confirmed = veckan kan attesteras först när alla som gjort besök har bekräftat den; väntar på: { $workers }
homecare-week-already-approved = veckan är redan attesterad
homecare-only-municipality-reopens = bara kommunen sätter och flyttar låsdatum
homecare-lock-only-for-providers = låsdatum sätts bara för utförare
homecare-may-not-register-visits = din roll registrerar inte hemtjänstbesök
homecare-may-not-manage-visits = din roll hanterar inte den här enhetens besök
homecare-may-not-read-payment-basis = din roll ser inte ersättningsunderlaget
