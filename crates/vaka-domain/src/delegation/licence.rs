//! Licensed professions, licences, and the municipality's coded list of task types.
//!
//! A [`TaskType`] names a health-care task that is *performed* (give a medication, give
//! insulin, dress a wound): the list the municipality keeps, each entry with the professions
//! that may prescribe it. A profession that may prescribe a task type may also delegate it;
//! nobody else may do either.
//!
//! **What can never be delegated.** Assessment, prescription (ordination) and follow-up stay
//! with licensed staff (SOSFS 1997:14, research/homecare.md §2.2). They are not task types:
//! a delegation names a [`TaskTypeCode`], and the acts of the licensed person are
//! [`LicensedAct`]s, a separate type a delegation cannot hold. And a municipality cannot smuggle
//! them into its list: a task type coded like one of them is refused
//! ([`DelegationReason::ActNotDelegable`]).

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::reason::DelegationReason;
use crate::{DomainError, DomainResult};

/// A licensed profession (legitimerad yrkesgrupp) that prescribes and delegates tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Profession {
    /// Sjuksköterska.
    Nurse,
    /// Arbetsterapeut.
    OccupationalTherapist,
    /// Fysioterapeut.
    Physiotherapist,
}

crate::impl_codes!(Profession);

impl Profession {
    /// A profession from its code, as a form sends it.
    pub fn parse(field: &'static str, raw: &str) -> DomainResult<Self> {
        Self::from_code(raw.trim()).ok_or_else(|| {
            DomainError::invalid(
                field,
                DelegationReason::UnknownProfession {
                    code: raw.trim().chars().take(40).collect(),
                },
            )
        })
    }
}

/// The acts that stay with the licensed person and can never be delegated. Kept apart from
/// task types so that a delegation cannot name one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum LicensedAct {
    Assessment,
    Prescription,
    FollowUp,
}

crate::impl_codes!(LicensedAct);

/// Task type codes refused because they name an act that is never delegated (in the
/// Swedish words too, as municipalities type their own codes).
const NOT_DELEGABLE_CODES: &[&str] = &[
    "assessment",
    "prescription",
    "prescribing",
    "ordination",
    "follow_up",
    "followup",
    "bedomning",
    "ordinering",
    "forskrivning",
    "uppfoljning",
];

/// The most digits a licence number may have.
pub const LICENCE_NUMBER_MAX: usize = 12;

/// A licence number as the licensing authority issued it. No public source gives its
/// format (research/homecare.md has none), so it is checked only as 1–12 digits; spaces and
/// dashes a person types are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LicenceNumber(String);

impl LicenceNumber {
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let digits: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.is_empty()
            || digits.len() > LICENCE_NUMBER_MAX
            || !digits.chars().all(|c| c.is_ascii_digit())
        {
            return Err(DomainError::invalid(
                "licence_number",
                DelegationReason::LicenceNumberShape {
                    max: LICENCE_NUMBER_MAX,
                },
            ));
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's licence: the profession and its number. Staff without one hold no licence
/// (`Option<Licence>` on the account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Licence {
    pub profession: Profession,
    pub number: LicenceNumber,
}

/// The most characters of a task type code.
pub const TASK_TYPE_CODE_MAX: usize = 40;

/// The code of a task type in the municipality's list (`insulin`, `wound_care`): 1–40 of
/// `a-z 0-9 _`, starting with a letter, never an act that stays with licensed staff.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaskTypeCode(String);

impl TaskTypeCode {
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let s = raw.trim();
        let shape = !s.is_empty()
            && s.len() <= TASK_TYPE_CODE_MAX
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !shape {
            return Err(DomainError::invalid(
                "code",
                DelegationReason::TaskTypeCodeShape {
                    max: TASK_TYPE_CODE_MAX,
                },
            ));
        }
        if NOT_DELEGABLE_CODES.contains(&s) {
            return Err(DomainError::invalid(
                "code",
                DelegationReason::ActNotDelegable { code: s.to_owned() },
            ));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TaskTypeCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The most characters of a task type's name.
pub const TASK_TYPE_NAME_MAX: usize = 100;

/// One entry of the municipality's list of delegable task types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskType {
    pub code: TaskTypeCode,
    /// As shown to staff ("Insulin").
    pub name: String,
    /// The professions that may prescribe (and so delegate) it.
    pub prescribers: Vec<Profession>,
    /// A medication: a "not given" opens a deviation, and the list shows it as one.
    pub medication: bool,
    /// Taken out of use: no new delegations or prescriptions (existing ones run on).
    pub retired: bool,
}

impl TaskType {
    /// The entry's own rules: a name of 1–100 characters and at least one profession (the
    /// code is already a [`TaskTypeCode`]).
    pub fn check(&self) -> DomainResult<()> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(DomainError::invalid(
                "name",
                DelegationReason::TaskTypeNameRequired,
            ));
        }
        if name.chars().count() > TASK_TYPE_NAME_MAX {
            return Err(DomainError::invalid(
                "name",
                DelegationReason::TooLong {
                    max: TASK_TYPE_NAME_MAX,
                },
            ));
        }
        if self.prescribers.is_empty() {
            return Err(DomainError::invalid(
                "prescribers",
                DelegationReason::PrescribersRequired,
            ));
        }
        Ok(())
    }

    /// Whether `profession` may prescribe this task type.
    pub fn may_prescribe(&self, profession: Profession) -> bool {
        self.prescribers.contains(&profession)
    }

    /// Whether `profession` may delegate this task type: the same professions as prescribe it.
    pub fn may_delegate(&self, profession: Profession) -> bool {
        self.may_prescribe(profession)
    }
}

/// Refuses a licensed act of `licence` on `task` that needs `allowed`: no licence, a profession
/// not allowed, or a retired task type.
pub(crate) fn check_licensed(
    licence: Option<&Licence>,
    task: &TaskType,
    may_not: fn(String) -> DelegationReason,
) -> DomainResult<()> {
    let Some(licence) = licence else {
        return Err(DomainError::forbidden(DelegationReason::NoLicence));
    };
    if !task.may_prescribe(licence.profession) {
        return Err(DomainError::forbidden(may_not(task.name.clone())));
    }
    if task.retired {
        return Err(DomainError::invalid(
            "task_type",
            DelegationReason::TaskTypeRetired {
                task: task.name.clone(),
            },
        ));
    }
    Ok(())
}

/// A starting list for a new municipality (and the demo): medication, insulin, wound care,
/// compression stockings, and the therapists' lift transfers and exercise programmes.
pub fn default_task_types() -> Vec<TaskType> {
    use Profession::{Nurse, OccupationalTherapist, Physiotherapist};
    let t = |code: &str, name: &str, prescribers: &[Profession], medication: bool| TaskType {
        code: TaskTypeCode(code.to_owned()),
        name: name.to_owned(),
        prescribers: prescribers.to_vec(),
        medication,
        retired: false,
    };
    vec![
        t("medication", "Läkemedel", &[Nurse], true),
        t("insulin", "Insulin", &[Nurse], true),
        t("eye_drops", "Ögondroppar", &[Nurse], true),
        t("wound_care", "Såromläggning", &[Nurse], false),
        t(
            "compression_stockings",
            "Kompressionsstrumpor",
            &[Nurse, Physiotherapist],
            false,
        ),
        t(
            "lift_transfer",
            "Förflyttning med lyft",
            &[OccupationalTherapist, Physiotherapist],
            false,
        ),
        t(
            "exercise_programme",
            "Träningsprogram",
            &[Physiotherapist, OccupationalTherapist],
            false,
        ),
    ]
}

/// The task type of `code` in `list`, or the reason it is not there.
pub fn find_task_type<'a>(list: &'a [TaskType], code: &TaskTypeCode) -> DomainResult<&'a TaskType> {
    list.iter().find(|t| &t.code == code).ok_or_else(|| {
        DomainError::invalid(
            "task_type",
            DelegationReason::UnknownTaskType {
                code: code.to_string(),
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delegation::test_support::id_of;

    #[test]
    fn professions_by_code() {
        assert_eq!(
            Profession::parse("p", " physiotherapist ").unwrap(),
            Profession::Physiotherapist
        );
        assert_eq!(
            id_of(Profession::parse("p", "doctor")),
            "delegation-unknown-profession"
        );
    }

    #[test]
    fn licence_numbers_are_digits() {
        assert_eq!(
            LicenceNumber::parse("123 456-7").unwrap().as_str(),
            "1234567"
        );
        for bad in ["", "  ", "12a4", "1234567890123", "١٢٣"] {
            assert_eq!(
                id_of(LicenceNumber::parse(bad)),
                "delegation-licence-number-shape",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn task_type_codes_and_the_acts_never_delegated() {
        assert_eq!(
            TaskTypeCode::parse(" insulin ").unwrap().as_str(),
            "insulin"
        );
        for bad in ["", "Insulin", "1st", "wound-care", &"a".repeat(41)] {
            assert!(TaskTypeCode::parse(bad).is_err(), "{bad:?}");
        }
        // Every licensed act, by its own code, is refused as a task type.
        for act in LicensedAct::ALL {
            let e = TaskTypeCode::parse(act.code());
            assert_eq!(id_of(e), "delegation-act-not-delegable", "{act:?}");
        }
        assert!(TaskTypeCode::parse("ordinering").is_err());
    }

    #[test]
    fn task_type_rules_and_professions() {
        let list = default_task_types();
        for t in &list {
            t.check().unwrap();
            // The built-in codes pass the same parse a municipality's code does.
            assert_eq!(TaskTypeCode::parse(t.code.as_str()).unwrap(), t.code);
        }
        let insulin = find_task_type(&list, &TaskTypeCode::parse("insulin").unwrap()).unwrap();
        assert!(insulin.medication);
        assert!(insulin.may_delegate(Profession::Nurse));
        assert!(!insulin.may_delegate(Profession::Physiotherapist));
        let lift = find_task_type(&list, &TaskTypeCode::parse("lift_transfer").unwrap()).unwrap();
        assert!(lift.may_prescribe(Profession::OccupationalTherapist));
        assert!(!lift.may_prescribe(Profession::Nurse));
        assert!(find_task_type(&list, &TaskTypeCode::parse("massage").unwrap()).is_err());

        let mut t = insulin.clone();
        t.name = "  ".into();
        assert!(t.check().is_err());
        let mut t = insulin.clone();
        t.prescribers.clear();
        assert_eq!(id_of(t.check()), "delegation-prescribers-required");
    }

    #[test]
    fn licensed_acts_need_the_right_licence() {
        let list = default_task_types();
        let insulin = &list[1];
        let nurse = Licence {
            profession: Profession::Nurse,
            number: LicenceNumber::parse("1234567").unwrap(),
        };
        let physio = Licence {
            profession: Profession::Physiotherapist,
            ..nurse.clone()
        };
        assert!(
            check_licensed(Some(&nurse), insulin, |task| {
                DelegationReason::ProfessionMayNotDelegate { task }
            })
            .is_ok()
        );
        let e = check_licensed(None, insulin, |task| {
            DelegationReason::ProfessionMayNotDelegate { task }
        });
        assert_eq!(id_of(e), "delegation-no-licence");
        let e = check_licensed(Some(&physio), insulin, |task| {
            DelegationReason::ProfessionMayNotDelegate { task }
        })
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "forbidden: delegation-profession-may-not-delegate(task=Insulin)"
        );
        let mut retired = insulin.clone();
        retired.retired = true;
        assert!(
            check_licensed(Some(&nurse), &retired, |task| {
                DelegationReason::ProfessionMayNotDelegate { task }
            })
            .is_err()
        );
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic_and_accept_what_they_say(raw in "\\PC{0,20}") {
            if let Ok(n) = LicenceNumber::parse(&raw) {
                proptest::prop_assert!(n.as_str().chars().all(|c| c.is_ascii_digit()));
                proptest::prop_assert!((1..=LICENCE_NUMBER_MAX).contains(&n.as_str().len()));
            }
            if let Ok(c) = TaskTypeCode::parse(&raw) {
                proptest::prop_assert_eq!(TaskTypeCode::parse(c.as_str()).unwrap(), c.clone());
                proptest::prop_assert!(!NOT_DELEGABLE_CODES.contains(&c.as_str()));
            }
            let _ = Profession::parse("p", &raw);
        }

        #[test]
        fn any_digits_up_to_twelve_are_a_licence_number(digits in "[0-9]{1,12}") {
            let n = LicenceNumber::parse(&digits).unwrap();
            proptest::prop_assert_eq!(n.as_str(), digits.as_str());
        }
    }
}
