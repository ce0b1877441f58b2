//! Reasons about devices: the inventory, the lifecycle, credentials and DC-09 settings.

use super::{Arg, reasons};
use crate::device::{DeviceStatus, DeviceStep};

reasons! {
    Device =>
    /// Reasons about devices: the inventory, the lifecycle, credentials and DC-09 settings.
    pub enum DeviceReason {
        /// Only municipal administrators register devices.
        OnlyAdminsRegister => "device-only-admins-register",
        /// Only municipal administrators see the inventory.
        OnlyAdminsSeeInventory => "device-only-admins-see-inventory",
        /// Only municipal administrators see a device.
        OnlyAdminsSeeDevices => "device-only-admins-see-devices",
        /// Only municipal administrators change devices or take them through their steps.
        OnlyAdminsHandle => "device-only-admins-handle",
        /// Activation before a passed test.
        ActivatedOnlyAfterPassedTest => "device-activated-only-after-passed-test",
        /// Returning or decommissioning an active device.
        DeactivateFirst => "device-deactivate-first",
        /// A camera's pass asked for while it is not connected to the gateway.
        TestCameraNotConnected => "device-test-camera-not-connected",
        /// A connected camera that delivered no test frame in time (or is busy with a look-in).
        TestCameraNoFrame => "device-test-camera-no-frame",
        /// An alarm unit's pass with no test alarm from its DC-09 account in the test window.
        TestNoTestAlarm { minutes: i64 } => "device-test-no-test-alarm",
        /// An alarm unit's pass without a DC-09 account to send the test alarm from.
        TestNoAccount => "device-test-no-account",
        /// A step the device's status does not allow.
        StepNotPossible { status: DeviceStatus, step: DeviceStep } => "device-step-not-possible",
        /// The assign step without a client.
        ChooseClient => "device-choose-client",
        /// The client to assign to does not exist.
        NoSuchClient => "device-no-such-client",
        /// No client has the identity number the assign step names.
        NoClientWithIdentity => "device-no-client-with-identity",
        /// A client given with another step than assign.
        OnlyAssignChoosesClient => "device-only-assign-chooses-client",
        /// A change of kind or serial number.
        KindAndSerialFixed => "device-kind-and-serial-fixed",
        /// Revoking when there is no live credential.
        NoCredentialToRevoke => "device-no-credential-to-revoke",
        /// A serial number, model or firmware that is not 1–64 printable characters.
        BadLabel => "device-bad-label",
        /// A DC-09 key without its style.
        KeyStyleRequired => "device-key-style-required",
        /// DC-09 settings on a device that is not an alarm unit.
        Dc09OnlyAlarmUnits => "device-dc09-only-alarm-units",
        /// A DC-09 key without an account.
        KeyNeedsAccount => "device-key-needs-account",
        /// A DC-09 account with neither a key nor an explicit clear marking.
        KeyOrClearRequired => "device-key-or-clear-required",
        /// A key for an account marked clear.
        ClearTakesNoKey => "device-clear-takes-no-key",
        /// A clear marking without an account.
        ClearNeedsAccount => "device-clear-needs-account",
        /// An ASCII key of the wrong length or with other than printable characters.
        AsciiKeyLength => "device-ascii-key-length",
        /// A hex key of the wrong length.
        HexKeyLength => "device-hex-key-length",
        /// A hex key with other than hex digits.
        HexKeyDigits => "device-hex-key-digits",
        /// A DC-09 account that is not 3–16 hex digits.
        BadAccount => "device-bad-account",
        /// A SCAIP controller id that is not 1–32 letters or digits.
        BadScaipCid => "device-bad-scaip-cid",
        /// A SCAIP digest password that is not 8–64 printable characters without spaces.
        BadScaipPassword => "device-bad-scaip-password",
        /// A SCAIP password without a controller id.
        ScaipPasswordNeedsCid => "device-scaip-password-needs-cid",
    }
}

impl From<DeviceStatus> for Arg {
    fn from(s: DeviceStatus) -> Self {
        Arg::Code {
            kind: "device_status",
            code: s.code(),
        }
    }
}

impl From<DeviceStep> for Arg {
    fn from(s: DeviceStep) -> Self {
        Arg::Code {
            kind: "device_step",
            code: s.code(),
        }
    }
}
