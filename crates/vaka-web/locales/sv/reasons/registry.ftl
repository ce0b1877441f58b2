### Reasons about clients, decisions, orders, consent, supervision plans and pauses: vaka_domain::reason::RegistryReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/registry.ftl, and every
### reason of the enum has a message (unit tests check both).

## Clients

registry-not-a-provider = är inte en utförare
registry-identity-taken = det finns redan en brukare med det personnumret
registry-not-a-samordningsnummer = är ett personnummer, inte ett samordningsnummer
registry-address-incomplete = ange hela adressen (gata, postnummer och ort) eller ingen del av den
registry-postcode-five-digits = ska vara fem siffror, t.ex. 123 45
registry-not-a-phone-number = ska vara ett telefonnummer, t.ex. 070-123 45 67
registry-contact-priority-range = ska vara 1–20
registry-contacts-same-order = två kontaktpersoner har samma ordning
registry-unit-of-another-provider = enheten hör till en annan utförare
registry-may-not-register-here = dina roller tillåter inte att du registrerar brukare här
registry-no-access-to-clients = dina roller ger ingen åtkomst till brukare
registry-outside-need-to-know = brukaren ligger utanför din behörighet

## Identity numbers

registry-identity-empty = inget nummer angivet: skriv ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN
registry-identity-invalid-character = innehåller { $found }: bara siffror och ett '-' eller '+' är tillåtna
registry-identity-too-many-separators = har mer än ett '-' eller '+': använd ett skiljetecken, direkt före de fyra sista siffrorna
registry-identity-wrong-length = ska ha 10 eller 12 siffror, hittade { $digits }
registry-identity-misplaced-separator = '-' eller '+' ska stå direkt före de fyra sista siffrorna
registry-identity-plus-with-century = '+' (100 år eller äldre) används bara med 10 siffror: skriv ÅÅMMDD+NNNN, eller ÅÅÅÅMMDD-NNNN med århundradet
registry-identity-unsupported-year = året { $year } ligger utanför 1800–2099: kontrollera århundradet
registry-identity-no-such-date = datumet finns inte: { $date }
registry-identity-no-such-coordination-date = datumet finns inte: { $date } (ett samordningsnummer skriver dagen plus 60)
registry-identity-date-in-future = datumet { $date } ligger i framtiden: kontrollera året
registry-identity-birth-number-zero = födelsenummer 000 delas aldrig ut: kontrollera de fyra sista siffrorna
registry-identity-check-digit = kontrollsiffran stämmer inte: kontrollera varje siffra
registry-identity-is-samordningsnummer = detta är ett samordningsnummer (dag 61–91), men här krävs ett personnummer
registry-identity-is-personnummer = detta är ett personnummer, men här krävs ett samordningsnummer (dag 61–91)
registry-identity-not-canonical = ett lagrat nummer ska vara exakt 12 siffror (ÅÅÅÅMMDDNNNN) utan skiljetecken
registry-reserve-id-empty = reservnumret är tomt: skriv 1 till 20 tecken
registry-reserve-id-too-long = reservnumret har { $chars } tecken; högst 20 är tillåtna
registry-reserve-id-invalid-character = reservnumret innehåller { $found }: bara bokstäverna A–Z, siffrorna 0–9 och '-' är tillåtna

## The named group of a protected client

registry-not-protected = brukaren har inga skyddade personuppgifter
registry-protection-lower-is-a-decision = skyddade personuppgifter kan inte tas bort eller sänkas här: det är ett eget beslut som systemansvarig registrerar
registry-protection-unchanged = brukaren har redan den skyddsnivån
registry-no-client-with-identity = ingen brukare med det personnumret finns inom din behörighet
registry-no-such-user = användaren finns inte
registry-already-in-group = användaren finns redan i gruppen
registry-choose-user = välj en användare

## Decisions and orders

registry-in-future = kan inte ligga i framtiden
registry-valid-to-before-valid-from = är före startdatum
registry-mode-required = krävs för nattillsyn (kamera, fysiskt besök eller båda)
registry-times-required = ange minst en tid på natten
registry-too-many-times = högst 12 tider per natt
registry-time-twice = en tid står två gånger
registry-safety-alarm-has-no-mode = trygghetslarm har ingen tillsynsform eller tider
registry-decision-overlaps = överlappar ett annat beslut om samma insats för brukaren
registry-not-a-time = { $text } är inte en tid (TT:MM)
registry-whole-minutes = ange tider i hela minuter
registry-no-provider-for-decision = brukaren har ingen utförare som kan verkställa beslutet; ange en först
registry-decision-already-ended = beslutet har redan upphört
registry-end-before-decision-starts = är före beslutets början
registry-only-new-order-accepted = bara nya uppdrag kan tas emot
registry-order-not-accepted = utföraren har inte tagit emot uppdraget ännu
registry-order-not-waiting = uppdraget väntar inte på start
registry-may-not-accept-orders = dina roller tar inte emot uppdrag
registry-may-not-read-reports = dina roller läser inte rapporter

## Consent

registry-consent-in-future = samtycke kan inte dateras i framtiden
registry-informed-after-consent = brukaren informeras före samtycket, inte efter
registry-representative-required = ange företrädaren som samtyckte
registry-out-of-range = är utanför tillåtet intervall
registry-reconfirm-after-given = ska vara efter dagen för samtycket
registry-consent-already-withdrawn = samtycket är redan återkallat
registry-before-consent-given = är före samtycket
registry-no-valid-decision = brukaren har inget gällande beslut om insatsen i dag
registry-no-valid-consent = brukarens samtycke till insatsen saknas, har gått ut eller är återkallat

## Supervision plans and pauses

registry-recheck-delay-range = ska vara 5–60 minuter
registry-response-target-range = ska vara 5–180 minuter
registry-last-night-before-first = är före första natten
registry-first-night-past = har redan passerat
registry-pause-too-long = ett uppehåll varar högst ett år
registry-pause-already-cancelled = uppehållet är redan borttaget

## The pages' forms

registry-not-a-date = är inte ett datum (ÅÅÅÅ-MM-DD)
registry-not-a-choice = är inte ett av alternativen
registry-not-whole-minutes = ska vara ett helt antal minuter
registry-not-a-placement = är inte giltig
registry-not-a-client-id = är inget brukar-id
registry-no-client-for-review = ingen brukare som du får granska har det personnumret eller namnet
registry-several-clients-match = flera brukare har ett namn som börjar så: skriv personnumret
registry-plan-without-decision = brukaren har inget beslut om nattlig tillsyn, nu eller kommande, att planera efter
registry-plan-mode-not-granted = beslutet beviljar inte det sättet; beviljat: { $granted }
registry-plan-time-not-granted = { $time } är inte beviljad i beslutet; beviljade tider: { $granted }
