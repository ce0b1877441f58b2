### Reasons about devices: the inventory, the lifecycle, credentials and DC-09 settings:
### vaka_domain::reason::DeviceReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/device.ftl, and every
### reason of the enum has a message (unit tests check both).

device-only-admins-register = bara kommunens systemadministratörer registrerar enheter
device-only-admins-see-inventory = bara kommunens systemadministratörer ser enhetsregistret
device-only-admins-see-devices = bara kommunens systemadministratörer ser enheter
device-only-admins-handle = bara kommunens systemadministratörer hanterar enheter
device-activated-only-after-passed-test = en enhet aktiveras först efter ett godkänt test
device-deactivate-first = avaktivera enheten först
device-test-camera-not-connected = kameran är inte ansluten: testet kan godkännas först när kameran är ansluten och har skickat en testbild
device-test-camera-no-frame = kameran skickade ingen testbild: kontrollera kameran och försök igen
device-test-no-test-alarm = inget testlarm från enhetens DC-09-konto har kommit in de senaste { $minutes } minuterna: tryck på larmknappen och försök igen när larmet syns här
device-test-no-account = enheten har inget DC-09-konto att skicka testlarm från
device-step-not-possible = en enhet med status { $status } kan inte få steget { $step }
device-choose-client = välj brukaren som enheten är till för
device-no-such-client = brukaren finns inte
device-no-client-with-identity = ingen brukare med det personnumret
device-only-assign-chooses-client = bara steget Koppla till brukare väljer brukare
device-kind-and-serial-fixed = typ och serienummer kan inte ändras
device-no-credential-to-revoke = enheten har ingen nyckel att spärra
device-bad-label = ska vara 1–64 skrivbara tecken
device-key-style-required = ange om nyckeln är skriven som tecken eller hexsiffror
device-dc09-only-alarm-units = bara trygghetslarm har DC-09-inställningar
device-key-needs-account = en DC-09-nyckel hör till ett konto
device-key-or-clear-required = ett DC-09-konto behöver en nyckel, eller måste uttryckligen markeras okrypterat
device-clear-takes-no-key = ett konto som är markerat okrypterat har ingen nyckel
device-clear-needs-account = bara ett DC-09-konto kan markeras okrypterat
device-ascii-key-length = en teckennyckel har 16, 24 eller 32 tecken
device-hex-key-length = en hexnyckel har 32, 48 eller 64 hexsiffror
device-hex-key-digits = en hexnyckel har bara 0–9 och a–f
device-bad-account = ett konto har 3–16 hexsiffror
device-bad-scaip-cid = ett SCAIP-id (cid) har 1–32 bokstäver eller siffror
device-bad-scaip-password = ett SCAIP-lösenord har 8–64 tecken utan mellanslag
device-scaip-password-needs-cid = ett SCAIP-lösenord kräver ett SCAIP-id (cid)
