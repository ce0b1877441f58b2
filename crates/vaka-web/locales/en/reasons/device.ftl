### Reasons about devices: the inventory, the lifecycle, credentials and DC-09 settings:
### vaka_domain::reason::DeviceReason.
###
### English. Every message here has the same id in locales/sv/reasons/device.ftl, and every
### reason of the enum has a message (unit tests check both).

device-only-admins-register = only municipal administrators register devices
device-only-admins-see-inventory = only municipal administrators see the inventory
device-only-admins-see-devices = only municipal administrators see devices
device-only-admins-handle = only municipal administrators handle devices
device-activated-only-after-passed-test = a device is activated only after a passed test
device-deactivate-first = deactivate the device first
device-test-camera-not-connected = the camera is not connected: the test can be passed only once the camera is connected and has sent a test frame
device-test-camera-no-frame = the camera sent no test frame: check the camera and try again
device-test-no-test-alarm = no test alarm from the device's DC-09 account has arrived in the last { $minutes } minutes: press the alarm button and try again when the alarm shows here
device-test-no-account = the device has no DC-09 account to send a test alarm from
device-step-not-possible = a device that is { $status } cannot be given the step { $step }
device-choose-client = choose the client the device is for
device-no-such-client = no such client
device-no-client-with-identity = no client with that identity number
device-only-assign-chooses-client = only the assign step chooses a client
device-kind-and-serial-fixed = kind and serial number of a device cannot change
device-no-credential-to-revoke = the device has no credential to revoke
device-bad-label = must be 1–64 printable characters
device-key-style-required = say whether the key is written as ascii or hex
device-dc09-only-alarm-units = only alarm units have DC-09 settings
device-key-needs-account = a DC-09 key belongs to an account
device-key-or-clear-required = a DC-09 account needs a key, or must be marked clear (unencrypted) explicitly
device-clear-takes-no-key = an account marked clear (unencrypted) has no key
device-clear-needs-account = only a DC-09 account can be marked clear
device-ascii-key-length = an ASCII key is 16, 24 or 32 printable characters
device-hex-key-length = a hex key is 32, 48 or 64 hex digits
device-hex-key-digits = a hex key has only 0–9 and a–f
device-bad-account = an account is 3–16 hex digits
device-bad-scaip-cid = a SCAIP controller id is 1–32 letters or digits
device-bad-scaip-password = a SCAIP password is 8–64 characters, without spaces
device-scaip-password-needs-cid = a SCAIP password needs a controller id
