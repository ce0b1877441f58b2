### Reasons about organisations, units, accounts and roles: vaka_domain::reason::DirectoryReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/directory.ftl, and every
### reason of the enum has a message (unit tests check both).

directory-already-deactivated = kontot är redan avslutat
directory-account-pseudonymised = kontot är avidentifierat vid gallring och kan inte återaktiveras; skapa ett nytt konto
directory-only-requested-approved = bara begärda konton kan godkännas
directory-only-requested-rejected = bara begärda konton kan avslås
directory-only-active-deactivated = bara aktiva konton kan avslutas
directory-only-deactivated-reactivated = bara avslutade konton kan återaktiveras
directory-username-taken = användarnamnet är upptaget
directory-hsa-id-taken = HSA-id:t används redan av ett annat konto
directory-organisation-name-taken = det finns redan en organisation med det namnet
directory-unit-name-taken = organisationen har redan en enhet med det namnet
directory-role-already-held = användaren har redan den rollen där
directory-may-not-read = du får inte läsa katalogen över organisationer och användare
directory-outside-your-organisation = utanför din organisation
directory-only-municipal-admin-creates-organisations = bara kommunens systemadministratör skapar organisationer
directory-municipality-exists = den här installationen har redan sin kommun
directory-municipality-cannot-be-deactivated = kommunen kan inte avaktiveras
directory-provider-kind-required = krävs för en utförare (egen regi eller privat)
directory-provider-kind-only-for-providers = anges bara för utförare
directory-no-such-organisation = organisationen finns inte
directory-no-such-unit = enheten finns inte
directory-unit-cannot-cover = bara nattpatruller, trygghetsjourer och larmcentraler täcker andra enheter
directory-unit-covers-itself = en enhet kan inte täcka sig själv
directory-no-such-covered-unit = enheten finns inte: { $unit }
directory-alarm-coverage-gap = ändringen skulle lämna enheter vars brukare har trygghetslarm utan en larmcentral som bevakar dem, så att deras larm inte når någon operatör: { $units }. Ge först en larmcentral eller trygghetsjour täckning av dem.
directory-alarm-client-needs-unit = ändringen skulle lämna en brukare med trygghetslarm utan enhet, så att ingen larmcentral bevakar brukaren. Välj en enhet som en larmcentral täcker.
directory-role-outside-own-organisation = en roll måste gälla kontots egen organisation
directory-role-not-in-organisation-kind = rollen { $role } kan inte innehas i en organisation av typen { $kind }
directory-role-is-organisation-wide = rollen { $role } gäller hela organisationen; lämna enheten tom
directory-role-needs-unit = rollen { $role } gäller en enhet; välj en
directory-unit-in-other-organisation = enheten hör till en annan organisation
directory-no-roles = ge kontot minst en roll
directory-roles-only-in-own-unit = du kan bara begära roller i din egen enhet
directory-cannot-end-own-account = du kan inte avsluta ditt eget konto
directory-cannot-remove-own-roles = du kan inte ta bort dina egna roller
directory-account-not-active = kontot är inte aktivt
directory-no-user-with-username = det finns ingen användare med det användarnamnet
directory-may-not-create-accounts = du har inte rätt att skapa eller begära konton
