/// A build loadout saved by a user; readable by any signed-in user when public.
#[derive(Debug, Clone, ::poem_openapi::Object)]
#[oai(rename = "SavedBuild")]
pub struct SavedBuildView {
    /// Build id.
    pub build_id: Uuid,
    /// Owner.
    pub owner_id: Uuid,
    /// Name, 1–100 characters.
    pub name: String,
    /// Class.
    pub class: EsoClass,
    /// CP level.
    pub cp_level: i32,
    /// Contact address.
    pub contact: Option<String>,
    /// Sets.
    pub sets: Vec<String>,
    /// Public?
    pub is_public: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
}
#[doc = ::std::concat!(
    "Body creating a ", "SavedBuild",
    "; server-set fields (id, owner, timestamps) are not accepted."
)]
#[derive(Debug, Clone, ::poem_openapi::Object)]
#[oai(rename = "SavedBuildCreate")]
pub struct SavedBuildCreate {
    /// Name, 1–100 characters.
    #[oai(validator(min_length = 1usize, max_length = 100usize))]
    pub name: String,
    /// Class.
    pub class: EsoClass,
    /// CP level.
    #[oai(validator(minimum(value = "0"), maximum(value = "3600")))]
    pub cp_level: i32,
    /// Contact address.
    pub contact: Option<String>,
    /// Sets.
    #[oai(validator(max_items = 10usize))]
    pub sets: Vec<String>,
    /// Public?
    #[oai(default)]
    pub is_public: bool,
}
#[doc = ::std::concat!(
    "Partial update of a ", "SavedBuild",
    ": absent fields stay as they are; `null` clears an optional field."
)]
#[derive(Debug, Clone, ::poem_openapi::Object)]
#[oai(rename = "SavedBuildUpdate")]
pub struct SavedBuildUpdate {
    /// Name, 1–100 characters.
    #[oai(validator(min_length = 1usize, max_length = 100usize))]
    pub name: ::std::option::Option<String>,
    /// Class.
    pub class: ::std::option::Option<EsoClass>,
    /// CP level.
    #[oai(validator(minimum(value = "0"), maximum(value = "3600")))]
    pub cp_level: ::std::option::Option<i32>,
    /// Contact address.
    pub contact: ::poem_openapi::types::MaybeUndefined<String>,
    /// Sets.
    #[oai(validator(max_items = 10usize))]
    pub sets: ::std::option::Option<Vec<String>>,
    /// Public?
    pub is_public: ::std::option::Option<bool>,
}
///Generated CRUD API for `SavedBuild` (`#[derive(Model)]`); add it to the `OpenApiService` tuple.
#[derive(Debug, Default)]
pub struct SavedBuildApi;
#[doc(hidden)]
#[derive(Debug, ::poem_openapi::Tags)]
pub enum SavedBuildTags {
    /// A build loadout saved by a user; readable by any signed-in user when public.
    #[oai(rename = "Builds")]
    Tag,
}
#[doc = ::std::concat!("A page of ", "SavedBuild", " rows.")]
#[derive(Debug, Clone, ::poem_openapi::Object)]
#[oai(rename = "SavedBuildPage")]
pub struct SavedBuildPage {
    /// The rows of this page.
    pub builds: ::std::vec::Vec<SavedBuildView>,
    /// Rows matching the filters, over all pages.
    pub total: u64,
    /// Page size used.
    pub limit: u32,
    /// Rows skipped.
    pub offset: u64,
    /// Whether another page follows.
    pub has_more: bool,
}
#[doc(hidden)]
#[derive(Debug)]
pub struct SavedBuildSortKeys;
impl ::app::model::SortKeys for SavedBuildSortKeys {
    const PATTERN: &'static str = "^-?(?:updated_at|name)$";
}
#[doc(hidden)]
#[derive(Debug, ::poem_openapi::ApiResponse)]
pub enum SavedBuildCreated {
    /// Created; `Location` is its URL.
    #[oai(status = 201)]
    Created(
        ::poem_openapi::payload::Json<SavedBuildView>,
        #[oai(header = "Location")]
        ::std::string::String,
    ),
}
#[doc(hidden)]
#[derive(Debug, ::poem_openapi::ApiResponse)]
pub enum SavedBuildDeleted {
    /// Deleted.
    #[oai(status = 204)]
    Deleted,
}
#[allow(clippy::too_many_arguments)]
#[::poem_openapi::OpenApi(tag = "SavedBuildTags::Tag")]
impl SavedBuildApi {
    ///List saved builds
    ///
    ///One page of the saved builds you may read, filtered and sorted. `total` counts every match; `has_more` says whether another page follows.
    #[oai(path = "/builds", method = "get", operation_id = "list_saved_builds")]
    async fn list(
        &self,
        state: ::poem::web::Data<&::app::state::AppState>,
        #[oai(scope = "::app::auth::Scope::Read")]
        auth: ::app::auth::Auth,
        ///Page size, 1–50 (default 20).
        #[oai(
            default = "SavedBuildApi::__page_default",
            validator(minimum(value = "1"), maximum(value = "50"))
        )]
        limit: ::poem_openapi::param::Query<u32>,
        /// Rows to skip (0 or more).
        #[oai(default)]
        offset: ::poem_openapi::param::Query<u64>,
        ///Sort key: one of updated_at, name; a leading `-` sorts descending. Without it: `-updated_at`.
        sort: ::poem_openapi::param::Query<
            ::std::option::Option<::app::model::Sort<SavedBuildSortKeys>>,
        >,
        ///Only rows whose `name` contains this text (case-insensitive; `%` and `_` match literally). `name`: Name, 1–100 characters.
        #[oai(name = "name", validator(min_length = 1, max_length = 200))]
        name: ::poem_openapi::param::Query<::std::option::Option<::std::string::String>>,
        ///Only rows whose `class` equals this. `class`: Class.
        #[oai(name = "class")]
        class: ::poem_openapi::param::Query<::std::option::Option<EsoClass>>,
        ///Only rows whose `class` is one of these comma-separated values. `class`: Class.
        #[oai(name = "class_in")]
        class_in: ::poem_openapi::param::Query<
            ::std::option::Option<::std::string::String>,
        >,
        ///Only rows whose `cp_level` is at least this. `cp_level`: CP level.
        #[oai(
            name = "min_cp_level",
            validator(minimum(value = "0"), maximum(value = "3600"))
        )]
        min_cp_level: ::poem_openapi::param::Query<::std::option::Option<i32>>,
        ///Only rows whose `cp_level` is at most this. `cp_level`: CP level.
        #[oai(
            name = "max_cp_level",
            validator(minimum(value = "0"), maximum(value = "3600"))
        )]
        max_cp_level: ::poem_openapi::param::Query<::std::option::Option<i32>>,
        ///Only rows whose `is_public` equals this. `is_public`: Public?.
        #[oai(name = "is_public")]
        is_public: ::poem_openapi::param::Query<::std::option::Option<bool>>,
    ) -> ::std::result::Result<
        ::poem_openapi::payload::Json<SavedBuildPage>,
        ::app::error::ApiError,
    > {
        let dialect = state.db.dialect;
        let _ = dialect;
        let mut filters = ::std::vec::Vec::new();
        if let ::std::option::Option::Some(v) = name.0 {
            filters.push(::app::model::Filter::Contains("name", v));
        }
        if let ::std::option::Option::Some(v) = class.0 {
            filters
                .push(
                    ::app::model::Filter::Eq(
                        "class",
                        ::app::model::column::enum_to_value(&v, dialect),
                    ),
                );
        }
        if let ::std::option::Option::Some(list) = class_in.0 {
            let mut values = ::std::vec::Vec::new();
            for part in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                match <EsoClass as ::poem_openapi::types::ParseFromParameter>::parse_from_parameter(
                    part,
                ) {
                    ::std::result::Result::Ok(v) => {
                        values.push(::app::model::column::enum_to_value(&v, dialect))
                    }
                    ::std::result::Result::Err(_) => {
                        return ::std::result::Result::Err(
                            ::app::model::query::invalid_param(
                                "class_in",
                                ::std::format!("{part:?} is not a valid value"),
                            ),
                        );
                    }
                }
            }
            filters.push(::app::model::Filter::In("class", values));
        }
        if let ::std::option::Option::Some(v) = min_cp_level.0 {
            filters
                .push(
                    ::app::model::Filter::Min(
                        "cp_level",
                        <i32 as ::app::model::ColumnType>::to_value(&v, dialect),
                    ),
                );
        }
        if let ::std::option::Option::Some(v) = max_cp_level.0 {
            filters
                .push(
                    ::app::model::Filter::Max(
                        "cp_level",
                        <i32 as ::app::model::ColumnType>::to_value(&v, dialect),
                    ),
                );
        }
        if let ::std::option::Option::Some(v) = is_public.0 {
            filters
                .push(
                    ::app::model::Filter::Eq(
                        "is_public",
                        <bool as ::app::model::ColumnType>::to_value(&v, dialect),
                    ),
                );
        }
        let query = ::app::model::ListQuery {
            filters,
            sort: sort.0.map(::app::model::Sort::into_inner),
            limit: limit.0,
            offset: offset.0,
        };
        let page = ::app::model::crud::list_for::<
            SavedBuild,
        >(&state.db, ::std::option::Option::Some(auth.principal().caller()), &query)
            .await?;
        ::std::result::Result::Ok(
            ::poem_openapi::payload::Json(SavedBuildPage::from(page)),
        )
    }
    ///Get one saved build
    ///
    ///404 when it does not exist or you may not read it (the two are indistinguishable).
    #[oai(path = "/builds/:build_id", method = "get", operation_id = "get_saved_build")]
    async fn get(
        &self,
        state: ::poem::web::Data<&::app::state::AppState>,
        #[oai(scope = "::app::auth::Scope::Read")]
        auth: ::app::auth::Auth,
        build_id: ::poem_openapi::param::Path<Uuid>,
    ) -> ::std::result::Result<
        ::poem_openapi::payload::Json<SavedBuildView>,
        ::app::error::ApiError,
    > {
        let dialect = state.db.dialect;
        let row = ::app::model::crud::get_for::<
            SavedBuild,
        >(
                &state.db,
                ::std::option::Option::Some(auth.principal().caller()),
                <Uuid as ::app::model::ColumnType>::to_value(&build_id.0, dialect),
            )
            .await?;
        ::std::result::Result::Ok(
            ::poem_openapi::payload::Json(SavedBuildView::from(row)),
        )
    }
    ///Create a saved build
    ///
    ///Answers 201 with the stored resource and its `Location`. Every invalid field is listed in one 422.
    #[oai(path = "/builds", method = "post", operation_id = "create_saved_build")]
    async fn create(
        &self,
        state: ::poem::web::Data<&::app::state::AppState>,
        request: &::poem::Request,
        #[oai(scope = "::app::auth::Scope::Write")]
        auth: ::app::auth::Auth,
        body: ::app::http::json::JsonBody<SavedBuildCreate>,
    ) -> ::std::result::Result<SavedBuildCreated, ::app::error::ApiError> {
        let principal: ::std::option::Option<::app::model::Caller> = ::std::option::Option::Some(
            auth.principal().caller(),
        );
        let errors = body.0.__check();
        if !errors.is_empty() {
            return ::std::result::Result::Err(
                ::app::error::ApiError::validation(errors),
            );
        }
        let now = ::app::model::column::truncate_to_millis(::chrono::Utc::now());
        let row = SavedBuild::__from_create(body.0, principal.map(|p| p.user_id), now);
        let row = ::app::model::write::create::<
            SavedBuild,
            ::app::state::AppState,
        >(&state.db, state.0, principal, row)
            .await?;
        let location = ::std::format!(
            "{}/{}", request.original_uri().path().trim_end_matches('/'), row.build_id
        );
        ::std::result::Result::Ok(
            SavedBuildCreated::Created(
                ::poem_openapi::payload::Json(SavedBuildView::from(row)),
                location,
            ),
        )
    }
    ///Update a saved build
    ///
    ///Partial update: send only the fields to change; `null` clears an optional field. 404 when you may not read it, 403 when you may read but not change it.
    #[oai(
        path = "/builds/:build_id",
        method = "patch",
        operation_id = "update_saved_build"
    )]
    async fn update(
        &self,
        state: ::poem::web::Data<&::app::state::AppState>,
        #[oai(scope = "::app::auth::Scope::Write")]
        auth: ::app::auth::Auth,
        build_id: ::poem_openapi::param::Path<Uuid>,
        body: ::app::http::json::JsonBody<SavedBuildUpdate>,
    ) -> ::std::result::Result<
        ::poem_openapi::payload::Json<SavedBuildView>,
        ::app::error::ApiError,
    > {
        let dialect = state.db.dialect;
        let errors = body.0.__check();
        if !errors.is_empty() {
            return ::std::result::Result::Err(
                ::app::error::ApiError::validation(errors),
            );
        }
        let now = ::app::model::column::truncate_to_millis(::chrono::Utc::now());
        let body = body.0;
        let row = ::app::model::write::update::<
            SavedBuild,
            ::app::state::AppState,
        >(
                &state.db,
                state.0,
                ::std::option::Option::Some(auth.principal().caller()),
                <Uuid as ::app::model::ColumnType>::to_value(&build_id.0, dialect),
                move |row| {
                    row.__apply_update(body, now);
                    ::std::result::Result::Ok(())
                },
            )
            .await?;
        ::std::result::Result::Ok(
            ::poem_openapi::payload::Json(SavedBuildView::from(row)),
        )
    }
    ///Delete a saved build
    ///
    ///204 when deleted. 404 when you may not read it, 403 when you may read but not delete it.
    #[oai(
        path = "/builds/:build_id",
        method = "delete",
        operation_id = "delete_saved_build"
    )]
    async fn delete(
        &self,
        state: ::poem::web::Data<&::app::state::AppState>,
        #[oai(scope = "::app::auth::Scope::Write")]
        auth: ::app::auth::Auth,
        build_id: ::poem_openapi::param::Path<Uuid>,
    ) -> ::std::result::Result<SavedBuildDeleted, ::app::error::ApiError> {
        let dialect = state.db.dialect;
        ::app::model::write::delete::<
            SavedBuild,
            ::app::state::AppState,
        >(
                &state.db,
                state.0,
                ::std::option::Option::Some(auth.principal().caller()),
                <Uuid as ::app::model::ColumnType>::to_value(&build_id.0, dialect),
            )
            .await?;
        ::std::result::Result::Ok(SavedBuildDeleted::Deleted)
    }
}
#[allow(clippy::all, clippy::pedantic, unused_qualifications)]
const _: () = {
    #[automatically_derived]
    impl ::app::model::Model for SavedBuild {
        const META: &'static ::app::model::ModelMeta = &::app::model::ModelMeta {
            name: "SavedBuild",
            display: "Saved build",
            table: "saved_builds",
            columns: &[
                ::app::model::ColumnMeta {
                    name: "build_id",
                    sql_type: <Uuid as ::app::model::ColumnType>::SQL_TYPE,
                    nullable: <Uuid as ::app::model::ColumnType>::NULLABLE,
                    role: ::app::model::ColumnRole::Id,
                    indexed: false,
                    references: ::std::option::Option::None,
                },
                ::app::model::ColumnMeta {
                    name: "owner_id",
                    sql_type: <Uuid as ::app::model::ColumnType>::SQL_TYPE,
                    nullable: <Uuid as ::app::model::ColumnType>::NULLABLE,
                    role: ::app::model::ColumnRole::Owner,
                    indexed: false,
                    references: ::std::option::Option::None,
                },
                ::app::model::ColumnMeta {
                    name: "name",
                    sql_type: <String as ::app::model::ColumnType>::SQL_TYPE,
                    nullable: <String as ::app::model::ColumnType>::NULLABLE,
                    role: ::app::model::ColumnRole::Data,
                    indexed: false,
                    references: ::std::option::Option::None,
                },
                ::app::model::ColumnMeta {
                    name: "class",
                    sql_type: ::app::model::SqlType::Text,
                    nullable: false,
                    role: ::app::model::ColumnRole::Data,
                    indexed: true,
                    references: ::std::option::Option::None,
                },
                ::app::model::ColumnMeta {
                    name: "cp_level",
                    sql_type: <i32 as ::app::model::ColumnType>::SQL_TYPE,
                    nullable: <i32 as ::app::model::ColumnType>::NULLABLE,
                    role: ::app::model::ColumnRole::Data,
                    indexed: true,
                    references: ::std::option::Option::None,
                },
                ::app::model::ColumnMeta {
                    name: "contact",
                    sql_type: <Option<String> as ::app::model::ColumnType>::SQL_TYPE,
                    nullable: <Option<String> as ::app::model::ColumnType>::NULLABLE,
                    role: ::app::model::ColumnRole::Data,
                    indexed: false,
                    references: ::std::option::Option::None,
                },
                ::app::model::ColumnMeta {
                    name: "sets",
                    sql_type: ::app::model::SqlType::Json,
                    nullable: false,
                    role: ::app::model::ColumnRole::Data,
                    indexed: false,
                    references: ::std::option::Option::None,
                },
                ::app::model::ColumnMeta {
                    name: "is_public",
                    sql_type: <bool as ::app::model::ColumnType>::SQL_TYPE,
                    nullable: <bool as ::app::model::ColumnType>::NULLABLE,
                    role: ::app::model::ColumnRole::Data,
                    indexed: true,
                    references: ::std::option::Option::None,
                },
                ::app::model::ColumnMeta {
                    name: "created_at",
                    sql_type: <DateTime<Utc> as ::app::model::ColumnType>::SQL_TYPE,
                    nullable: <DateTime<Utc> as ::app::model::ColumnType>::NULLABLE,
                    role: ::app::model::ColumnRole::CreatedAt,
                    indexed: false,
                    references: ::std::option::Option::None,
                },
                ::app::model::ColumnMeta {
                    name: "updated_at",
                    sql_type: <DateTime<Utc> as ::app::model::ColumnType>::SQL_TYPE,
                    nullable: <DateTime<Utc> as ::app::model::ColumnType>::NULLABLE,
                    role: ::app::model::ColumnRole::UpdatedAt,
                    indexed: false,
                    references: ::std::option::Option::None,
                },
            ],
            select_list: "build_id, owner_id, name, class, cp_level, contact, sets, is_public, created_at, updated_at",
            id: "build_id",
            owner: ::std::option::Option::Some("owner_id"),
            read: ::app::model::Policy {
                terms: &[
                    ::app::model::Term::Owner,
                    ::app::model::Term::Flag("is_public"),
                    ::app::model::Term::Admin,
                ],
            },
            create: ::app::model::Policy {
                terms: &[::app::model::Term::Authenticated],
            },
            write: ::app::model::Policy {
                terms: &[::app::model::Term::Owner],
            },
            filters: &[
                ("name", ::app::model::FilterKind::Contains),
                ("class", ::app::model::FilterKind::Eq),
                ("class", ::app::model::FilterKind::In),
                ("cp_level", ::app::model::FilterKind::Range),
                ("is_public", ::app::model::FilterKind::Eq),
            ],
            sorts: &["updated_at", "name"],
            default_sort: &[
                ::app::model::SortKey {
                    column: "updated_at",
                    desc: true,
                },
            ],
            page_default: 20u32,
            page_max: 50u32,
        };
        fn to_values(
            &self,
            dialect: ::app::db::Dialect,
        ) -> ::std::vec::Vec<::rbs::Value> {
            ::std::vec![
                < Uuid as ::app::model::ColumnType > ::to_value(& self.build_id,
                dialect), < Uuid as ::app::model::ColumnType > ::to_value(& self
                .owner_id, dialect), < String as ::app::model::ColumnType > ::to_value(&
                self.name, dialect), ::app::model::column::enum_to_value(& self.class,
                dialect), < i32 as ::app::model::ColumnType > ::to_value(& self.cp_level,
                dialect), < Option < String > as ::app::model::ColumnType > ::to_value(&
                self.contact, dialect), ::app::model::column::json_to_value(& self.sets,
                dialect), < bool as ::app::model::ColumnType > ::to_value(& self
                .is_public, dialect), < DateTime < Utc > as ::app::model::ColumnType >
                ::to_value(& self.created_at, dialect), < DateTime < Utc > as
                ::app::model::ColumnType > ::to_value(& self.updated_at, dialect)
            ]
        }
        fn from_row(
            row: ::rbs::Value,
        ) -> ::std::result::Result<Self, ::app::model::column::DecodeError> {
            let mut row = ::app::model::Row::new(row)?;
            ::std::result::Result::Ok(Self {
                build_id: row
                    .take(
                        0usize,
                        "build_id",
                        <Uuid as ::app::model::ColumnType>::from_value,
                    )?,
                owner_id: row
                    .take(
                        1usize,
                        "owner_id",
                        <Uuid as ::app::model::ColumnType>::from_value,
                    )?,
                name: row
                    .take(
                        2usize,
                        "name",
                        <String as ::app::model::ColumnType>::from_value,
                    )?,
                class: row
                    .take(
                        3usize,
                        "class",
                        ::app::model::column::enum_from_value::<EsoClass>,
                    )?,
                cp_level: row
                    .take(
                        4usize,
                        "cp_level",
                        <i32 as ::app::model::ColumnType>::from_value,
                    )?,
                contact: row
                    .take(
                        5usize,
                        "contact",
                        <Option<String> as ::app::model::ColumnType>::from_value,
                    )?,
                sets: row
                    .take(
                        6usize,
                        "sets",
                        ::app::model::column::json_from_value::<Vec<String>>,
                    )?,
                is_public: row
                    .take(
                        7usize,
                        "is_public",
                        <bool as ::app::model::ColumnType>::from_value,
                    )?,
                created_at: row
                    .take(
                        8usize,
                        "created_at",
                        <DateTime<Utc> as ::app::model::ColumnType>::from_value,
                    )?,
                updated_at: row
                    .take(
                        9usize,
                        "updated_at",
                        <DateTime<Utc> as ::app::model::ColumnType>::from_value,
                    )?,
            })
        }
        fn id_value(&self, dialect: ::app::db::Dialect) -> ::rbs::Value {
            <Uuid as ::app::model::ColumnType>::to_value(&self.build_id, dialect)
        }
        fn owner_id(&self) -> ::std::option::Option<::uuid::Uuid> {
            ::std::option::Option::Some(self.owner_id)
        }
        fn flag(&self, column: &str) -> bool {
            let _ = column;
            match column {
                "is_public" => self.is_public,
                _ => false,
            }
        }
    }
    #[automatically_derived]
    impl ::app::model::Hooks<::app::state::AppState> for SavedBuild {
        const IN_TRANSACTION: bool = false;
    }
    #[automatically_derived]
    impl ::std::convert::From<SavedBuild> for SavedBuildView {
        fn from(m: SavedBuild) -> Self {
            Self {
                build_id: m.build_id,
                owner_id: m.owner_id,
                name: m.name,
                class: m.class,
                cp_level: m.cp_level,
                contact: m.contact,
                sets: m.sets,
                is_public: m.is_public,
                created_at: m.created_at,
                updated_at: m.updated_at,
            }
        }
    }
    impl SavedBuildCreate {
        /// Checks the schema cannot express (`email`, `custom`); empty when valid.
        #[doc(hidden)]
        pub fn __check(&self) -> ::std::vec::Vec<::app::error::FieldError> {
            let mut errors = ::std::vec::Vec::new();
            if let ::std::option::Option::Some(v) = &self.contact {
                if let ::std::result::Result::Err(m) = ::app::model::validate::email(v) {
                    errors.push(::app::error::FieldError::new("contact", m));
                }
            }
            errors
        }
    }
    impl SavedBuildUpdate {
        /// Checks the schema cannot express (`email`, `custom`); empty when valid.
        #[doc(hidden)]
        pub fn __check(&self) -> ::std::vec::Vec<::app::error::FieldError> {
            let mut errors = ::std::vec::Vec::new();
            if let ::std::option::Option::Some(v) = &self.name {}
            if let ::std::option::Option::Some(v) = &self.class {}
            if let ::std::option::Option::Some(v) = &self.cp_level {}
            if let ::poem_openapi::types::MaybeUndefined::Value(v) = &self.contact {
                if let ::std::result::Result::Err(m) = ::app::model::validate::email(v) {
                    errors.push(::app::error::FieldError::new("contact", m));
                }
            }
            if let ::std::option::Option::Some(v) = &self.sets {}
            if let ::std::option::Option::Some(v) = &self.is_public {}
            errors
        }
    }
    impl SavedBuild {
        /// The row a create body makes, with a fresh id, `owner` and timestamps `now`.
        #[doc(hidden)]
        pub fn __from_create(
            body: SavedBuildCreate,
            owner: ::std::option::Option<::uuid::Uuid>,
            now: ::chrono::DateTime<::chrono::Utc>,
        ) -> Self {
            let _ = (&owner, &now);
            Self {
                build_id: <::uuid::Uuid as ::app::model::GenerateId>::generate(),
                owner_id: owner.unwrap_or_default(),
                name: body.name,
                class: body.class,
                cp_level: body.cp_level,
                contact: body.contact,
                sets: body.sets,
                is_public: body.is_public,
                created_at: now,
                updated_at: now,
            }
        }
        /// Replaces every field the create body carries (not the id, owner, creation time or
        /// `immutable` fields) and bumps `updated_at`.
        #[doc(hidden)]
        pub fn __replace(
            &mut self,
            body: SavedBuildCreate,
            now: ::chrono::DateTime<::chrono::Utc>,
        ) {
            let _ = (&body, &now);
            self.name = body.name;
            self.class = body.class;
            self.cp_level = body.cp_level;
            self.contact = body.contact;
            self.sets = body.sets;
            self.is_public = body.is_public;
            self.updated_at = now;
        }
        /// Applies a partial update and bumps `updated_at`.
        #[doc(hidden)]
        pub fn __apply_update(
            &mut self,
            body: SavedBuildUpdate,
            now: ::chrono::DateTime<::chrono::Utc>,
        ) {
            let _ = (&body, &now);
            if let ::std::option::Option::Some(v) = body.name {
                self.name = v;
            }
            if let ::std::option::Option::Some(v) = body.class {
                self.class = v;
            }
            if let ::std::option::Option::Some(v) = body.cp_level {
                self.cp_level = v;
            }
            match body.contact {
                ::poem_openapi::types::MaybeUndefined::Value(v) => {
                    self.contact = ::std::option::Option::Some(v);
                }
                ::poem_openapi::types::MaybeUndefined::Null => {
                    self.contact = ::std::option::Option::None;
                }
                ::poem_openapi::types::MaybeUndefined::Undefined => {}
            }
            if let ::std::option::Option::Some(v) = body.sets {
                self.sets = v;
            }
            if let ::std::option::Option::Some(v) = body.is_public {
                self.is_public = v;
            }
            self.updated_at = now;
        }
    }
    impl SavedBuildApi {
        #[doc(hidden)]
        pub fn __page_default() -> u32 {
            20u32
        }
    }
    #[automatically_derived]
    impl ::std::convert::From<::app::model::Page<SavedBuild>> for SavedBuildPage {
        fn from(p: ::app::model::Page<SavedBuild>) -> Self {
            let has_more = p.has_more();
            Self {
                builds: p.items.into_iter().map(SavedBuildView::from).collect(),
                total: p.total,
                limit: p.limit,
                offset: p.offset,
                has_more,
            }
        }
    }
};
