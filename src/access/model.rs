//! The policy's types and the decision function.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Where a role binding applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BindingScope {
    Platform,
    Agency { id: Uuid, name: String },
    Tenant { id: Uuid, name: String },
}

/// One role held at one scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    pub scope: BindingScope,
    pub role: String,
}

/// Who is asking: a user with their bindings, and the client tenants of their agencies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub user_id: Uuid,
    pub bindings: Vec<Binding>,
    /// (agency id, client tenant id) for every agency the user has a binding in.
    pub agency_clients: Vec<(Uuid, Uuid)>,
}

/// A role's definition, as the `roles` and `role_privileges` tables give it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleDef {
    pub scope_kind: String,
    pub rank: i32,
    pub privileges: BTreeSet<String>,
}

/// Every role and privilege.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleCatalog {
    pub roles: BTreeMap<String, RoleDef>,
    /// privilege → what it lets a person do, in words.
    pub privileges: BTreeMap<String, String>,
}

/// What is being acted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Tenant(Uuid),
    Platform,
}

/// The answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// Allowed, and by which role at which scope.
    Allow { via: String },
    /// Denied: the principal may see the target but lacks the privilege.
    Deny(Denial),
    /// The principal has nothing to do with the target: answer "not found", never "denied".
    NotFound,
}

/// Why a request was denied, for a person to act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denial {
    pub privilege: String,
    pub privilege_means: String,
    /// "analyst in Acme", one per role the principal holds that applies to the target.
    pub held: Vec<String>,
    /// Roles of the target's kind that carry the privilege, lowest first.
    pub granted_by: Vec<String>,
}

impl Denial {
    /// "Exporting … needs the `exports.create` privilege; you are analyst in Acme; ask …".
    pub fn explain(&self) -> String {
        let held = if self.held.is_empty() {
            "you hold no role here".to_string()
        } else {
            format!("you are {}", self.held.join(", "))
        };
        let ask = match self.granted_by.as_slice() {
            [] => "no role grants it".to_string(),
            roles => format!("ask someone who can grant the {} role", roles.join(" or ")),
        };
        format!(
            "To {} you need the `{}` privilege; {held}. {}{}.",
            self.privilege_means,
            self.privilege,
            ask[..1].to_uppercase(),
            &ask[1..]
        )
    }
}

impl RoleCatalog {
    fn has(&self, role: &str, privilege: &str) -> bool {
        self.roles
            .get(role)
            .is_some_and(|r| r.privileges.contains(privilege))
    }

    fn granting(&self, kind: &str, privilege: &str) -> Vec<String> {
        let mut roles: Vec<(&String, &RoleDef)> = self
            .roles
            .iter()
            .filter(|(_, d)| d.scope_kind == kind && d.privileges.contains(privilege))
            .collect();
        roles.sort_by_key(|(_, d)| d.rank);
        roles.into_iter().map(|(n, _)| n.clone()).collect()
    }
}

/// The one decision: may `principal` use `privilege` on `target`?
pub fn decide(
    catalog: &RoleCatalog,
    principal: &Principal,
    privilege: &str,
    target: Target,
) -> Decision {
    let means = catalog
        .privileges
        .get(privilege)
        .cloned()
        .unwrap_or_else(|| privilege.to_string());
    // The roles that apply to the target, each with the words for where it is held.
    let mut applicable: Vec<(&str, String)> = Vec::new();
    match target {
        Target::Platform => {
            for b in &principal.bindings {
                if b.scope == BindingScope::Platform {
                    applicable.push((&b.role, "the Cadence platform".into()));
                }
            }
            if applicable.is_empty() {
                return Decision::NotFound;
            }
        }
        Target::Tenant(tenant) => {
            for b in &principal.bindings {
                match &b.scope {
                    BindingScope::Tenant { id, name } if *id == tenant => {
                        applicable.push((&b.role, name.clone()));
                    }
                    BindingScope::Agency { id, name }
                        if principal.agency_clients.contains(&(*id, tenant)) =>
                    {
                        applicable
                            .push((&b.role, format!("{name} (the agency managing this tenant)")));
                    }
                    _ => {}
                }
            }
            if applicable.is_empty() {
                return Decision::NotFound;
            }
        }
    }
    // The strongest role speaks for the decision ("owner in Acme" rather than a lesser one).
    let rank = |r: &str| catalog.roles.get(r).map_or(0, |d| d.rank);
    applicable.sort_by_key(|(r, _)| std::cmp::Reverse(rank(r)));
    if let Some((role, place)) = applicable.iter().find(|(r, _)| catalog.has(r, privilege)) {
        return Decision::Allow {
            via: format!("{role} in {place}"),
        };
    }
    let kind = if target == Target::Platform {
        "platform"
    } else {
        "tenant"
    };
    Decision::Deny(Denial {
        privilege: privilege.to_string(),
        privilege_means: means,
        held: applicable
            .iter()
            .map(|(r, p)| format!("{r} in {p}"))
            .collect(),
        granted_by: catalog.granting(kind, privilege),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> RoleCatalog {
        let role = |kind: &str, rank: i32, privs: &[&str]| RoleDef {
            scope_kind: kind.into(),
            rank,
            privileges: privs.iter().map(|s| s.to_string()).collect(),
        };
        RoleCatalog {
            roles: [
                (
                    "owner".to_string(),
                    role(
                        "tenant",
                        50,
                        &["tenant.read", "exports.create", "team.manage"],
                    ),
                ),
                (
                    "manager".to_string(),
                    role("tenant", 30, &["tenant.read", "exports.create"]),
                ),
                ("analyst".to_string(), role("tenant", 20, &["tenant.read"])),
                (
                    "agency_member".to_string(),
                    role("agency", 20, &["tenant.read", "exports.create"]),
                ),
                (
                    "platform_admin".to_string(),
                    role("platform", 100, &["platform.tenants.manage"]),
                ),
            ]
            .into(),
            privileges: [(
                "exports.create".to_string(),
                "export data to files".to_string(),
            )]
            .into(),
        }
    }

    const ACME: Uuid = Uuid::from_u128(1);
    const OTHER: Uuid = Uuid::from_u128(2);
    const AGENCY: Uuid = Uuid::from_u128(9);

    fn analyst_in_acme() -> Principal {
        Principal {
            user_id: Uuid::from_u128(100),
            bindings: vec![Binding {
                scope: BindingScope::Tenant {
                    id: ACME,
                    name: "Acme".into(),
                },
                role: "analyst".into(),
            }],
            agency_clients: vec![],
        }
    }

    #[test]
    fn a_role_with_the_privilege_allows_and_says_which() {
        let d = decide(
            &catalog(),
            &analyst_in_acme(),
            "tenant.read",
            Target::Tenant(ACME),
        );
        assert_eq!(
            d,
            Decision::Allow {
                via: "analyst in Acme".into()
            }
        );
    }

    #[test]
    fn a_missing_privilege_is_denied_with_a_reason_a_person_can_act_on() {
        let Decision::Deny(denial) = decide(
            &catalog(),
            &analyst_in_acme(),
            "exports.create",
            Target::Tenant(ACME),
        ) else {
            panic!("expected a denial");
        };
        assert_eq!(denial.granted_by, vec!["manager", "owner"]);
        assert_eq!(
            denial.explain(),
            "To export data to files you need the `exports.create` privilege; you are analyst in Acme. Ask someone who can grant the manager or owner role."
        );
    }

    #[test]
    fn another_tenant_is_not_found_never_denied() {
        assert_eq!(
            decide(
                &catalog(),
                &analyst_in_acme(),
                "tenant.read",
                Target::Tenant(OTHER)
            ),
            Decision::NotFound
        );
    }

    #[test]
    fn agency_roles_apply_to_the_agencys_clients_only() {
        let p = Principal {
            user_id: Uuid::from_u128(101),
            bindings: vec![Binding {
                scope: BindingScope::Agency {
                    id: AGENCY,
                    name: "North".into(),
                },
                role: "agency_member".into(),
            }],
            agency_clients: vec![(AGENCY, ACME)],
        };
        assert!(matches!(
            decide(&catalog(), &p, "exports.create", Target::Tenant(ACME)),
            Decision::Allow { .. }
        ));
        assert_eq!(
            decide(&catalog(), &p, "tenant.read", Target::Tenant(OTHER)),
            Decision::NotFound
        );
        assert!(matches!(
            decide(&catalog(), &p, "team.manage", Target::Tenant(ACME)),
            Decision::Deny(_)
        ));
    }

    #[test]
    fn platform_actions_need_a_platform_role() {
        assert_eq!(
            decide(
                &catalog(),
                &analyst_in_acme(),
                "platform.tenants.manage",
                Target::Platform
            ),
            Decision::NotFound
        );
        let admin = Principal {
            user_id: Uuid::from_u128(102),
            bindings: vec![Binding {
                scope: BindingScope::Platform,
                role: "platform_admin".into(),
            }],
            agency_clients: vec![],
        };
        assert!(matches!(
            decide(
                &catalog(),
                &admin,
                "platform.tenants.manage",
                Target::Platform
            ),
            Decision::Allow { .. }
        ));
        // Platform staff get no tenant rights through the tenant door.
        assert_eq!(
            decide(&catalog(), &admin, "tenant.read", Target::Tenant(ACME)),
            Decision::NotFound
        );
    }
}
