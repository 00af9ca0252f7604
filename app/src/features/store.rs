//! Every statement over `features` and `gear_sets` beyond the generated repository, with typed
//! rows read by position: the patches present, the updates feed, the catalog the recommendation
//! engine reads, and the names the demo data draws from. Other domains ask here.

use chrono::{DateTime, Utc};
use rbs::Value;

use crate::{
    db::{
        Db,
        rows::{columns, count_of, json_of, optional_of, text_of},
    },
    error::AppError,
};

/// The patches (`patch_updated`) present in features or sets, without `NULL`, in no order.
///
/// # Errors
/// Database or decoding errors.
pub async fn patches_present(db: &Db) -> Result<Vec<String>, AppError> {
    let sql = "SELECT DISTINCT patch_updated AS p FROM features WHERE patch_updated IS NOT NULL \
               UNION SELECT DISTINCT patch_updated AS p FROM gear_sets WHERE patch_updated IS NOT NULL";
    let mut out = Vec::new();
    db.for_each_row(sql, vec![], |row| {
        let [p] = columns(row)?;
        out.push(text_of(p, "patch_updated")?);
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(out)
}

/// Which rows the updates feed counts: all, or those whose patch is one of a list.
#[derive(Debug, Clone, Copy)]
pub enum InPatches<'a> {
    /// Every feature and set.
    All,
    /// Those last changed in one of these patches.
    Only(&'a [String]),
}

impl InPatches<'_> {
    /// `WHERE` and binds, once.
    fn clause(&self) -> (String, Vec<Value>) {
        match self {
            Self::All => ("1 = 1".into(), vec![]),
            Self::Only([]) => ("1 = 0".into(), vec![]),
            Self::Only(list) => (
                format!("patch_updated IN ({})", vec!["?"; list.len()].join(", ")),
                list.iter().map(|p| Value::String(p.clone())).collect(),
            ),
        }
    }
}

/// What the updates feed's answer depends on, read in one statement without loading rows:
/// its `ETag` is a digest of it.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdatesStamp {
    /// Features in scope.
    pub features: u64,
    /// Sets in scope.
    pub sets: u64,
    /// The latest feature change (UTC).
    pub features_changed: Option<DateTime<Utc>>,
    /// The latest set change (UTC).
    pub sets_changed: Option<DateTime<Utc>>,
    /// All features.
    pub all_features: u64,
    /// All sets.
    pub all_sets: u64,
}

/// # Errors
/// Database or decoding errors.
pub async fn updates_stamp(db: &Db, scope: InPatches<'_>) -> Result<UpdatesStamp, AppError> {
    let (cond, cond_args) = scope.clause();
    let sql = format!(
        "SELECT (SELECT count(*) FROM features WHERE {cond}) AS nf, (SELECT count(*) FROM gear_sets WHERE {cond}) AS ns, \
         (SELECT max(updated_at) FROM features) AS mf, (SELECT max(updated_at) FROM gear_sets) AS ms, \
         (SELECT count(*) FROM features) AS tf, (SELECT count(*) FROM gear_sets) AS ts"
    );
    let mut args = cond_args.clone();
    args.extend(cond_args);
    let mut out = None;
    db.for_each_row(&sql, args, |row| {
        let [nf, ns, mf, ms, tf, ts] = columns(row)?;
        out = Some(UpdatesStamp {
            features: count_of(nf, "nf")?,
            sets: count_of(ns, "ns")?,
            features_changed: optional_of(mf, "mf")?,
            sets_changed: optional_of(ms, "ms")?,
            all_features: count_of(tf, "tf")?,
            all_sets: count_of(ts, "ts")?,
        });
        Ok::<_, AppError>(())
    })
    .await?;
    out.ok_or_else(|| AppError::Internal(anyhow::anyhow!("an aggregate without a row")))
}

/// One row of the updates feed.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateRow {
    /// Feature or set id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Category (`Set` for gear sets).
    pub category: String,
    /// The patch that last changed it.
    pub patch_updated: Option<String>,
}

/// One page of the features and sets in `scope`, ordered by their patch's place in `order`
/// (patches not in it last), then id.
///
/// # Errors
/// Database or decoding errors.
pub async fn updates_page(
    db: &Db,
    scope: InPatches<'_>,
    order: &[String],
    limit: u32,
    offset: u64,
) -> Result<Vec<UpdateRow>, AppError> {
    let (cond, cond_args) = scope.clause();
    let order_case = if order.is_empty() {
        "0".to_owned()
    } else {
        let whens: Vec<String> = (0..order.len())
            .map(|i| format!("WHEN ? THEN {i}"))
            .collect();
        format!(
            "CASE patch_updated {} ELSE {} END",
            whens.join(" "),
            order.len()
        )
    };
    let sql = format!(
        "SELECT id, name, category, patch_updated FROM (\
           SELECT feature_id AS id, name, category, patch_updated FROM features WHERE {cond} \
           UNION ALL SELECT set_id AS id, name, 'Set' AS category, patch_updated FROM gear_sets WHERE {cond}\
         ) AS u ORDER BY {order_case}, id LIMIT ? OFFSET ?"
    );
    let mut args = cond_args.clone();
    args.extend(cond_args);
    args.extend(order.iter().map(|p| Value::String(p.clone())));
    args.push(Value::I64(i64::from(limit)));
    args.push(Value::I64(i64::try_from(offset).unwrap_or(i64::MAX)));
    let mut out = Vec::new();
    db.for_each_row(&sql, args, |row| {
        let [id, name, category, patch] = columns(row)?;
        out.push(UpdateRow {
            id: text_of(id, "id")?,
            name: text_of(name, "name")?,
            category: text_of(category, "category")?,
            patch_updated: optional_of(patch, "patch_updated")?,
        });
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(out)
}

/// A gear set as the recommendation engine's catalog reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogSet {
    /// Set id.
    pub set_id: String,
    /// Name.
    pub name: String,
    /// Kind of set (`Trial`, `Dungeon`, …).
    pub set_type: String,
    /// PvE tier (`S`, `A`, …).
    pub pve_tier: Option<String>,
    /// Where it drops.
    pub location: Option<String>,
    /// Role affinity: a JSON object of category → weight, as stored.
    pub role_affinity: Option<serde_json::Value>,
}

/// Every gear set, by id.
///
/// # Errors
/// Database or decoding errors.
pub async fn catalog_sets(db: &Db) -> Result<Vec<CatalogSet>, AppError> {
    let sql = "SELECT set_id, name, set_type, pve_tier, location, role_affinity FROM gear_sets ORDER BY set_id";
    let mut out = Vec::new();
    db.for_each_row(sql, vec![], |row| {
        let [id, name, kind, tier, location, affinity] = columns(row)?;
        out.push(CatalogSet {
            set_id: text_of(id, "set_id")?,
            name: text_of(name, "name")?,
            set_type: text_of(kind, "set_type")?,
            pve_tier: optional_of(tier, "pve_tier")?,
            location: optional_of(location, "location")?,
            role_affinity: match affinity {
                Value::Null => None,
                v => Some(json_of(v, "role_affinity")?),
            },
        });
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(out)
}

/// A skill as the recommendation engine's catalog reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogSkill {
    /// Feature id.
    pub feature_id: String,
    /// Name.
    pub name: String,
    /// Buffs and debuffs it grants, `|`-separated.
    pub buff_debuff_granted: Option<String>,
    /// Tags, `|`-separated.
    pub tags: Option<String>,
}

/// Every feature, by id.
///
/// # Errors
/// Database or decoding errors.
pub async fn catalog_skills(db: &Db) -> Result<Vec<CatalogSkill>, AppError> {
    let sql =
        "SELECT feature_id, name, buff_debuff_granted, tags FROM features ORDER BY feature_id";
    let mut out = Vec::new();
    db.for_each_row(sql, vec![], |row| {
        let [id, name, granted, tags] = columns(row)?;
        out.push(CatalogSkill {
            feature_id: text_of(id, "feature_id")?,
            name: text_of(name, "name")?,
            buff_debuff_granted: optional_of(granted, "buff_debuff_granted")?,
            tags: optional_of(tags, "tags")?,
        });
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(out)
}

/// Names of one column's rows, in statement order.
async fn names(db: &Db, sql: &str, args: Vec<Value>) -> Result<Vec<String>, AppError> {
    let mut out = Vec::new();
    db.for_each_row(sql, args, |row| {
        let [name] = columns(row)?;
        out.push(text_of(name, "name")?);
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(out)
}

/// Names of gear sets by id: all, or the first `limit` of PvE tier `S`.
///
/// # Errors
/// Database or decoding errors.
pub async fn set_names(db: &Db, tier_s_only: Option<u32>) -> Result<Vec<String>, AppError> {
    match tier_s_only {
        Some(limit) => {
            let sql = format!(
                "SELECT name AS n FROM gear_sets WHERE pve_tier = 'S' ORDER BY set_id LIMIT {limit}"
            );
            names(db, &sql, vec![]).await
        }
        None => {
            names(
                db,
                "SELECT name AS n FROM gear_sets ORDER BY set_id",
                vec![],
            )
            .await
        }
    }
}

/// Names of the features restricted to `class` (as the feature database spells it), by id.
///
/// # Errors
/// Database or decoding errors.
pub async fn class_skill_names(db: &Db, class: &str) -> Result<Vec<String>, AppError> {
    names(
        db,
        "SELECT name AS n FROM features WHERE class_restriction = ? ORDER BY feature_id",
        vec![Value::String(class.to_owned())],
    )
    .await
}

/// Number of features stored.
///
/// # Errors
/// Database or decoding errors.
pub async fn feature_count(db: &Db) -> Result<u64, AppError> {
    let mut n = 0;
    db.for_each_row("SELECT count(*) AS n FROM features", vec![], |row| {
        let [count] = columns(row)?;
        n = count_of(count, "n")?;
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(n)
}
