### Reasons about digital keys: vaka_domain::reason::KeyReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/key.ftl, and every
### reason of the enum has a message (unit tests check both).

key-user-inactive = kontot är avaktiverat
key-outside-reach = brukaren hör inte till dina enheter
key-no-ground = du har inget besök, inget larm och inget nattpass hos brukaren just nu
key-outside-visit-window = låset öppnas bara under ditt besök: från 15 minuter före det planerade besöket till en stund efter dess slut
key-not-your-visit = besöket är inte ditt besök hos brukaren
key-alarm-not-dispatched-to-you = larmet är inte skickat till dig, eller är redan avslutat
key-lock-offline = låset är inte anslutet just nu: använd behörigheten i appen vid dörren
key-no-such-lock = låset finns inte eller sitter inte hos någon brukare
key-may-not-open = du har ingen behörighet att öppna lås
key-no-signing-key = servern har ingen nyckel att signera digitala nycklar med: kontakta systemadministratören
key-unknown-key-access = okänt sätt att komma in
