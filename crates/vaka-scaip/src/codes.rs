//! SCAIP code lists (research §8.4: device type `dty`, status code `stc`, location code
//! `lco`, device component `dco`). Each is an open newtype over the number: vendors send
//! codes outside the lists, which must pass through to the receiver and its mapping table,
//! not fail the message. The named constants and `name()` cover the public lists; the numbers
//! are pinned by the tests below (they are what devices put on the wire).

use std::fmt;

macro_rules! code_list {
    (
        $(#[$doc:meta])*
        $ty:ident, width $width:literal, {
            $( $(#[$cdoc:meta])* $konst:ident = $num:literal, )*
        }
        names: $names:ident
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $ty(pub u16);

        impl $ty {
            $( $(#[$cdoc])* pub const $konst: $ty = $ty($num); )*

            /// The number.
            pub fn code(self) -> u16 {
                self.0
            }

            /// The English name from the public code list; `None` for a code outside it.
            pub fn name(self) -> Option<&'static str> {
                $names.binary_search_by_key(&self.0, |(c, _)| *c).ok().map(|i| $names[i].1)
            }
        }

        impl fmt::Display for $ty {
            /// Zero-padded as on the wire (`0005`, `002`).
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:0width$}", self.0, width = $width)
            }
        }
    };
}

code_list! {
    /// `dty`: what kind of device sent the message.
    DeviceType, width 4, {
        UNKNOWN = 0,
        LOCAL_UNIT_AND_CONTROLLER = 2,
        PERSONAL_TRIGGER = 3,
        FIXED_TRIGGER = 4,
        FALL_DETECTOR = 5,
        PANIC_BUTTON = 7,
        DOOR_SENSOR = 14,
        SMOKE_DETECTOR = 23,
        AUTOMATIC_MAN_DOWN = 30,
    }
    names: DEVICE_TYPES
}

code_list! {
    /// `stc`: what happened.
    StatusCode, width 4, {
        UNKNOWN = 0,
        AUTOMATIC_ALARM = 9,
        MANUAL_ALARM = 10,
        BATTERY_FAILURE = 14,
        BATTERY_OK = 15,
        BATTERY_LOW = 16,
        CANCEL = 19,
        MALFUNCTION = 67,
        NORMAL_STATE = 70,
        POWER_FAILURE = 85,
        POWER_RESTORED = 86,
        TEST_PRIMARY = 102,
        TEST_REDUNDANT = 103,
    }
    names: STATUS_CODES
}

code_list! {
    /// `lco`: where.
    LocationCode, width 3, {
        UNKNOWN = 0,
        HOME = 2,
        AWAY = 3,
        GPS_POSITION_ATTACHED = 35,
    }
    names: LOCATION_CODES
}

code_list! {
    /// `dco`: which part of the device.
    DeviceComponent, width 3, {
        UNKNOWN = 0,
        BUTTON_1 = 2,
    }
    names: DEVICE_COMPONENTS
}

/// `dty` code list, sorted by code (0042 is absent from the public list).
const DEVICE_TYPES: &[(u16, &str)] = &[
    (0, "unknown"),
    (1, "undefined"),
    (2, "local unit and controller"),
    (3, "personal trigger"),
    (4, "fixed trigger"),
    (5, "fall detector"),
    (6, "personal attack trigger"),
    (7, "panic button"),
    (8, "duty switch, remote"),
    (9, "duty switch, local"),
    (10, "activity detector"),
    (11, "pill dispenser"),
    (12, "bed monitor"),
    (13, "mat sensor"),
    (14, "door sensor"),
    (15, "wandering sensor"),
    (16, "enuresis sensor"),
    (17, "epilepsy sensor"),
    (18, "occupancy sensor"),
    (19, "heart-rate monitor"),
    (20, "environmental monitor"),
    (21, "gas detector"),
    (22, "lighting circuit"),
    (23, "smoke detector"),
    (24, "heating system"),
    (25, "heat detector"),
    (26, "carbon monoxide detector"),
    (27, "bogus-caller switch"),
    (28, "intruder detector"),
    (29, "boundary sensor"),
    (30, "automatic man-down"),
    (31, "system monitor"),
    (32, "communication-link monitor"),
    (33, "flood detector"),
    (34, "bath sensor"),
    (35, "latch key"),
    (36, "perimeter sensor"),
    (37, "sprinkler"),
    (38, "tamper sensor"),
    (39, "printer"),
    (40, "router"),
    (41, "power supply"),
    (43, "access controller"),
    (44, "chair monitor"),
    (45, "controller"),
    (46, "elevator alarm unit"),
    (47, "fire alarm system"),
    (48, "local unit"),
    (49, "monitoring device"),
    (50, "radio unit"),
    (51, "tracking device"),
];

/// `stc` code list, sorted by code. 0049 is missing and 0050 doubled ("inactive" and
/// "initiated") in the public source; 0050 keeps "inactive".
const STATUS_CODES: &[(u16, &str)] = &[
    (0, "unknown"),
    (1, "undefined"),
    (2, "abort"),
    (3, "absent"),
    (4, "accepted"),
    (5, "acknowledge"),
    (6, "activated"),
    (7, "active"),
    (8, "added"),
    (9, "automatic alarm"),
    (10, "manual alarm"),
    (11, "alert"),
    (12, "armed"),
    (13, "assigned"),
    (14, "battery failure"),
    (15, "battery OK"),
    (16, "battery low"),
    (17, "busy"),
    (18, "bypass"),
    (19, "cancel"),
    (20, "charged"),
    (21, "closed"),
    (22, "closed too long"),
    (23, "IP connection failure"),
    (24, "mobile network failure"),
    (25, "POTS failure"),
    (26, "primary link failure"),
    (27, "redundant link failure"),
    (28, "deleted"),
    (29, "denied"),
    (30, "disarmed"),
    (31, "disconnected"),
    (32, "error code 1"),
    (33, "error code 2"),
    (34, "error code 3"),
    (35, "error code 4"),
    (36, "error code 5"),
    (37, "error code 6"),
    (38, "error code 7"),
    (39, "error code 8"),
    (40, "error code 9"),
    (41, "executed"),
    (42, "failure"),
    (43, "frequency drifted"),
    (44, "frequency drifted lower"),
    (45, "frequency drifted upper"),
    (46, "high level"),
    (47, "in progress"),
    (48, "in service"),
    (50, "inactive"),
    (51, "interrupted"),
    (52, "jammed"),
    (53, "level 1"),
    (54, "level 2"),
    (55, "level 3"),
    (56, "level 4"),
    (57, "level 5"),
    (58, "level 6"),
    (59, "level 7"),
    (60, "level 8"),
    (61, "level 9"),
    (62, "log"),
    (63, "loss"),
    (64, "low level"),
    (65, "maintenance needed"),
    (66, "urgent maintenance"),
    (67, "malfunction"),
    (68, "memory full"),
    (69, "non-active"),
    (70, "normal state"),
    (71, "occupied"),
    (72, "off"),
    (73, "offline"),
    (74, "on"),
    (75, "online"),
    (76, "open"),
    (77, "open too long"),
    (78, "out of service"),
    (79, "overflow"),
    (80, "pending"),
    (81, "pill not taken"),
    (82, "pill reminder"),
    (83, "pill taken"),
    (84, "planned"),
    (85, "power failure"),
    (86, "power restored"),
    (87, "planned presence"),
    (88, "presence after alarm"),
    (89, "privacy switch operated"),
    (90, "pulse"),
    (91, "re-established"),
    (92, "automatic reset"),
    (93, "manual reset"),
    (94, "restoral"),
    (95, "RF interference"),
    (96, "started"),
    (97, "ended"),
    (98, "substituted"),
    (99, "succeeded"),
    (100, "temperature high"),
    (101, "temperature low"),
    (102, "test transmission, primary channel"),
    (103, "test transmission, redundant channel"),
    (104, "time-out"),
    (105, "trouble"),
    (106, "trespass"),
    (107, "unauthorized access"),
    (108, "unbypass"),
    (109, "verified"),
    (110, "assistance"),
    (111, "intervention complete"),
    (112, "IP connection re-established"),
    (113, "mobile network re-established"),
    (114, "POTS re-established"),
    (115, "primary link re-established"),
    (116, "redundant link re-established"),
    (117, "lying in bed"),
    (118, "locked"),
    (119, "movement"),
    (120, "occupancy"),
    (121, "present"),
    (122, "radio interference"),
    (123, "radio test transmission missing"),
    (124, "radio test transmission re-established"),
    (125, "tamper alarm"),
    (126, "temperature rate of rise"),
    (127, "unlocked"),
];

/// `lco` code list, sorted by code.
const LOCATION_CODES: &[(u16, &str)] = &[
    (0, "unknown"),
    (1, "undefined"),
    (2, "home"),
    (3, "away"),
    (4, "indoors"),
    (5, "outdoors"),
    (6, "inside"),
    (7, "outside"),
    (8, "area"),
    (9, "zone"),
    (10, "basement"),
    (11, "bathroom"),
    (12, "bedroom"),
    (13, "dining room"),
    (14, "floor"),
    (15, "garage"),
    (16, "garden"),
    (17, "garden, back"),
    (18, "garden, front"),
    (19, "geo-fence"),
    (20, "gym"),
    (21, "kitchen"),
    (22, "laundry"),
    (23, "relax"),
    (24, "sauna"),
    (25, "stairs"),
    (26, "study"),
    (27, "workshop"),
    (28, "loft"),
    (29, "shed"),
    (30, "temporary address"),
    (31, "summer house"),
    (32, "winter cottage"),
    (33, "mobile"),
    (34, "geo position attached"),
    (35, "GPS position attached"),
    (36, "property"),
    (37, "handicap bathroom"),
    (38, "door"),
    (39, "front door"),
    (40, "back door"),
    (41, "fire door"),
    (42, "hallway"),
    (43, "living room"),
    (44, "apartment"),
    (45, "bungalow"),
    (46, "lounge"),
    (47, "communal area"),
    (48, "office"),
    (49, "room"),
    (50, "site"),
    (51, "ward"),
    (52, "wing"),
];

/// `dco` code list, sorted by code.
const DEVICE_COMPONENTS: &[(u16, &str)] = &[
    (0, "unknown"),
    (1, "undefined"),
    (2, "button 1"),
    (3, "button 2"),
    (4, "button 3"),
    (5, "button 4"),
    (6, "button 5"),
    (7, "switch 1"),
    (8, "switch 2"),
    (9, "switch 3"),
    (10, "switch 4"),
    (11, "switch 5"),
    (12, "output 1"),
    (13, "output 2"),
    (14, "output 3"),
    (15, "output 4"),
    (16, "output 5"),
    (17, "automatic circuit 1"),
    (18, "automatic circuit 2"),
    (19, "automatic circuit 3"),
    (20, "automatic circuit 4"),
    (21, "automatic circuit 5"),
    (22, "ethernet circuit"),
    (23, "memory circuit"),
    (24, "microcontroller"),
    (25, "module 1"),
    (26, "module 2"),
    (27, "module 3"),
    (28, "module 4"),
    (29, "module 5"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_so_lookup_works() {
        for table in [
            DEVICE_TYPES,
            STATUS_CODES,
            LOCATION_CODES,
            DEVICE_COMPONENTS,
        ] {
            assert!(table.windows(2).all(|w| w[0].0 < w[1].0));
        }
        assert_eq!(DEVICE_TYPES.len(), 51);
        assert_eq!(STATUS_CODES.len(), 127);
        assert_eq!(LOCATION_CODES.len(), 53);
        assert_eq!(DEVICE_COMPONENTS.len(), 30);
    }

    #[test]
    fn codes_are_pinned() {
        assert_eq!(DeviceType::FALL_DETECTOR.name(), Some("fall detector"));
        assert_eq!(DeviceType(42).name(), None);
        assert_eq!(DeviceType(51).name(), Some("tracking device"));
        assert_eq!(StatusCode::MANUAL_ALARM.name(), Some("manual alarm"));
        assert_eq!(
            StatusCode(102).name(),
            Some("test transmission, primary channel")
        );
        assert_eq!(StatusCode(19).name(), Some("cancel"));
        assert_eq!(StatusCode(127).name(), Some("unlocked"));
        assert_eq!(StatusCode(128).name(), None);
        assert_eq!(LocationCode(43).name(), Some("living room"));
        assert_eq!(DeviceComponent(24).name(), Some("microcontroller"));
        for (c, name) in [
            (
                DeviceType::LOCAL_UNIT_AND_CONTROLLER,
                "local unit and controller",
            ),
            (DeviceType::PERSONAL_TRIGGER, "personal trigger"),
            (DeviceType::FIXED_TRIGGER, "fixed trigger"),
            (DeviceType::PANIC_BUTTON, "panic button"),
            (DeviceType::DOOR_SENSOR, "door sensor"),
            (DeviceType::SMOKE_DETECTOR, "smoke detector"),
            (DeviceType::AUTOMATIC_MAN_DOWN, "automatic man-down"),
        ] {
            assert_eq!(c.name(), Some(name));
        }
        for (c, name) in [
            (StatusCode::AUTOMATIC_ALARM, "automatic alarm"),
            (StatusCode::BATTERY_FAILURE, "battery failure"),
            (StatusCode::BATTERY_OK, "battery OK"),
            (StatusCode::BATTERY_LOW, "battery low"),
            (StatusCode::MALFUNCTION, "malfunction"),
            (StatusCode::NORMAL_STATE, "normal state"),
            (StatusCode::POWER_FAILURE, "power failure"),
            (StatusCode::POWER_RESTORED, "power restored"),
            (
                StatusCode::TEST_REDUNDANT,
                "test transmission, redundant channel",
            ),
        ] {
            assert_eq!(c.name(), Some(name));
        }
        assert_eq!(
            LocationCode::GPS_POSITION_ATTACHED.name(),
            Some("GPS position attached")
        );
        assert_eq!(DeviceComponent::BUTTON_1.name(), Some("button 1"));
    }

    #[test]
    fn display_is_zero_padded() {
        assert_eq!(DeviceType(5).to_string(), "0005");
        assert_eq!(StatusCode(10).to_string(), "0010");
        assert_eq!(LocationCode(2).to_string(), "002");
    }
}
