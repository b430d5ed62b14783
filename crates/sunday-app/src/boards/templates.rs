//! Built-in board templates: realistic columns, groups and sample items for the common uses
//! (project tracker, CRM pipeline, bug tracker, content calendar), the blank board, and the
//! default structure of a subitem board.

use chrono::{DateTime, Duration, Utc};
use sunday_domain::{columns::normalize_settings, position};
use sunday_types::{
    board_api::TemplateInfo,
    boards::{Column, ColumnType, Group, Item},
    cells::{CellValue, DateValue, ItemValues},
    column_settings::{ColumnSettings, DropdownOption, DropdownSettings, Label, NumberSettings, StatusSettings},
    ApiError, BoardId, ColumnId, GroupId, ItemId, UserId,
};

/// A sample cell, written in human terms and resolved against the built columns.
#[derive(Clone, Copy)]
pub enum Sample {
    Text(&'static str),
    /// A status label or dropdown option, by name.
    Label(&'static str),
    /// Days from today.
    Date(i64),
    Timeline(i64, i64),
    /// The board's creator.
    Me,
    Number(f64),
    Check,
    Rating(i64),
    Tags(&'static [&'static str]),
}

/// A sample item: group index, name, cells by column index.
pub type SampleItem = (usize, &'static str, Vec<(usize, Sample)>);

/// What building a template yields.
pub type Built = (Vec<Column>, Vec<Group>, Vec<Item>);

pub struct Spec {
    pub id: &'static str,
    /// Shown in the template gallery.
    pub name: &'static str,
    pub description: &'static str,
    pub columns: Vec<(&'static str, ColumnType, Option<ColumnSettings>)>,
    pub groups: Vec<(&'static str, &'static str)>,
    /// (group index, name, cells by column index).
    pub items: Vec<SampleItem>,
}

fn labels(names: &[(&str, &str)], done: &str) -> Option<ColumnSettings> {
    let labels = names
        .iter()
        .enumerate()
        .map(|(i, (n, c))| Label {
            id: format!("l{}", i + 1),
            name: (*n).to_owned(),
            color: Some((*c).to_owned()),
            done: *n == done,
        })
        .collect();
    Some(ColumnSettings::Status(StatusSettings { labels }))
}

fn options(names: &[&str]) -> Option<ColumnSettings> {
    let options = names
        .iter()
        .enumerate()
        .map(|(i, n)| DropdownOption { id: format!("o{}", i + 1), name: (*n).to_owned(), color: None })
        .collect();
    Some(ColumnSettings::Dropdown(DropdownSettings { options }))
}

fn money(unit: &str) -> Option<ColumnSettings> {
    Some(ColumnSettings::Number(NumberSettings { unit: Some(unit.to_owned()), decimals: 0 }))
}

impl Spec {
    /// Columns, groups and items with fresh ids, positions and auto numbers from 1.
    pub fn build(&self, board: BoardId, user: UserId, now: DateTime<Utc>) -> Result<Built, ApiError> {
        let col_pos = position::sequence(self.columns.len());
        let columns = self
            .columns
            .iter()
            .zip(col_pos)
            .map(|((title, ty, settings), position)| {
                let given = settings.as_ref().map(serde_json::to_value).transpose().map_err(ApiError::internal)?;
                Ok(Column {
                    id: ColumnId::new(),
                    title: (*title).to_owned(),
                    column_type: *ty,
                    // Built typed, then through the one normalizer, which fills every default
                    // (option colours) as it does for clients' settings.
                    settings: normalize_settings(*ty, given.as_ref())?,
                    position,
                    width: None,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let groups: Vec<Group> = self
            .groups
            .iter()
            .zip(position::sequence(self.groups.len()))
            .map(|((title, color), position)| Group {
                id: GroupId::new(),
                title: (*title).to_owned(),
                color: (*color).to_owned(),
                position,
                collapsed: false,
            })
            .collect();
        let item_pos = position::sequence(self.items.len());
        let mut items = vec![];
        for (n, ((group, name, cells), position)) in self.items.iter().zip(item_pos).enumerate() {
            let values: ItemValues = cells
                .iter()
                .filter_map(|(ci, sample)| {
                    let col = columns.get(*ci)?;
                    Some((col.id, resolve(col, *sample, user, now)?))
                })
                .collect();
            items.push(Item {
                id: ItemId::new(),
                board_id: board,
                group_id: groups[*group % groups.len().max(1)].id,
                name: (*name).to_owned(),
                position,
                values,
                version: 1,
                created_by: user,
                created_at: now,
                updated_at: now,
                parent_item_id: None,
                archived: false,
                auto_number: n as i64 + 1,
            });
        }
        Ok((columns, groups, items))
    }
}

/// The id of the status label or dropdown option named `name`.
fn find_label(col: &Column, name: &str) -> Option<String> {
    let labels = col.settings.labels().iter().map(|l| (&l.name, &l.id));
    let options = col.settings.options().iter().map(|o| (&o.name, &o.id));
    labels.chain(options).find(|(n, _)| *n == name).map(|(_, id)| id.clone())
}

/// The sample as a value of `col`; `None` when the template pairs it with a column of
/// another type.
fn resolve(col: &Column, s: Sample, user: UserId, now: DateTime<Utc>) -> Option<CellValue> {
    let day = |d: i64| DateValue::Day((now + Duration::days(d)).date_naive());
    let value = match s {
        Sample::Text(t) if col.column_type == ColumnType::LongText => CellValue::LongText(t.to_owned()),
        Sample::Text(t) => CellValue::Text(t.to_owned()),
        Sample::Label(name) if col.column_type == ColumnType::Dropdown => {
            CellValue::Dropdown(vec![find_label(col, name)?])
        }
        Sample::Label(name) => CellValue::Status(find_label(col, name)?),
        Sample::Date(d) => CellValue::Date(day(d)),
        Sample::Timeline(a, b) => CellValue::Timeline(day(a), day(b)),
        Sample::Me => CellValue::People(vec![user]),
        Sample::Number(n) => CellValue::Number(n),
        Sample::Check => CellValue::Checked,
        Sample::Rating(r) => CellValue::Rating(u8::try_from(r).ok()?),
        Sample::Tags(t) => CellValue::Tags(t.iter().map(|s| (*s).to_owned()).collect()),
    };
    (value.column_type() == col.column_type).then_some(value)
}

pub fn blank() -> Spec {
    Spec {
        id: "blank",
        name: "Blank board",
        description: "",
        columns: vec![
            ("Owner", ColumnType::People, None),
            ("Status", ColumnType::Status, None),
            ("Due date", ColumnType::Date, None),
        ],
        groups: vec![("To do", "blue"), ("Done", "green")],
        items: vec![],
    }
}

pub fn subitems() -> Spec {
    Spec {
        id: "subitems",
        name: "Subitems",
        description: "",
        columns: vec![
            ("Owner", ColumnType::People, None),
            ("Status", ColumnType::Status, None),
            ("Date", ColumnType::Date, None),
        ],
        groups: vec![("Subitems", "grey")],
        items: vec![],
    }
}

fn project_tracker() -> Spec {
    use Sample::*;
    let status =
        labels(&[("Working on it", "orange"), ("Stuck", "red"), ("Done", "green"), ("Not started", "grey")], "Done");
    let priority = labels(&[("Critical", "dark_red"), ("High", "red"), ("Medium", "purple"), ("Low", "sky")], "");
    Spec {
        id: "project_tracker",
        name: "Project tracker",
        description: "Plan, track and deliver a project: owners, status, priority, timelines and budget.",
        columns: vec![
            ("Owner", ColumnType::People, None),
            ("Status", ColumnType::Status, status),
            ("Priority", ColumnType::Status, priority),
            ("Timeline", ColumnType::Timeline, None),
            ("Due date", ColumnType::Date, None),
            ("Budget", ColumnType::Number, money("$")),
            ("Notes", ColumnType::Text, None),
        ],
        groups: vec![("This sprint", "blue"), ("Next sprint", "purple"), ("Done", "green")],
        items: vec![
            (
                0,
                "Define launch goals",
                vec![
                    (0, Me),
                    (1, Label("Working on it")),
                    (2, Label("High")),
                    (3, Timeline(-2, 3)),
                    (4, Date(3)),
                    (5, Number(1200.0)),
                ],
            ),
            (
                0,
                "Design landing page",
                vec![(1, Label("Stuck")), (2, Label("Critical")), (4, Date(1)), (6, Text("Waiting for copy"))],
            ),
            (0, "Set up analytics", vec![(1, Label("Not started")), (2, Label("Medium")), (4, Date(5))]),
            (1, "Write release notes", vec![(1, Label("Not started")), (2, Label("Low")), (4, Date(10))]),
            (1, "Customer webinar", vec![(2, Label("Medium")), (3, Timeline(8, 9)), (5, Number(800.0))]),
            (2, "Kick-off meeting", vec![(0, Me), (1, Label("Done")), (4, Date(-7))]),
        ],
    }
}

fn crm_pipeline() -> Spec {
    use Sample::*;
    let stage = labels(
        &[
            ("Lead", "grey"),
            ("Contacted", "sky"),
            ("Proposal", "purple"),
            ("Negotiation", "orange"),
            ("Won", "green"),
            ("Lost", "red"),
        ],
        "Won",
    );
    Spec {
        id: "crm_pipeline",
        name: "CRM pipeline",
        description: "Follow deals from first contact to signature.",
        columns: vec![
            ("Stage", ColumnType::Status, stage),
            ("Owner", ColumnType::People, None),
            ("Deal value", ColumnType::Number, money("€")),
            ("Contact email", ColumnType::Email, None),
            ("Phone", ColumnType::Phone, None),
            ("Close date", ColumnType::Date, None),
            ("Source", ColumnType::Dropdown, options(&["Website", "Referral", "Event", "Outbound"])),
        ],
        groups: vec![("Active deals", "blue"), ("Closed", "grey")],
        items: vec![
            (
                0,
                "Acme Corp",
                vec![(0, Label("Proposal")), (1, Me), (2, Number(24000.0)), (5, Date(14)), (6, Label("Referral"))],
            ),
            (0, "Globex", vec![(0, Label("Contacted")), (2, Number(8000.0)), (5, Date(30)), (6, Label("Website"))]),
            (
                0,
                "Initech",
                vec![(0, Label("Negotiation")), (1, Me), (2, Number(51000.0)), (5, Date(7)), (6, Label("Event"))],
            ),
            (1, "Umbrella", vec![(0, Label("Won")), (2, Number(15000.0)), (5, Date(-3)), (6, Label("Outbound"))]),
            (1, "Hooli", vec![(0, Label("Lost")), (2, Number(9000.0)), (5, Date(-10))]),
        ],
    }
}

fn bug_tracker() -> Spec {
    use Sample::*;
    let status = labels(
        &[
            ("New", "sky"),
            ("In progress", "orange"),
            ("In review", "purple"),
            ("Fixed", "green"),
            ("Won't fix", "grey"),
        ],
        "Fixed",
    );
    let severity = labels(&[("Blocker", "dark_red"), ("Major", "red"), ("Minor", "yellow"), ("Trivial", "grey")], "");
    Spec {
        id: "bug_tracker",
        name: "Bug tracker",
        description: "Report, triage and fix bugs.",
        columns: vec![
            ("Status", ColumnType::Status, status),
            ("Severity", ColumnType::Status, severity),
            ("Assignee", ColumnType::People, None),
            ("Reported", ColumnType::Date, None),
            ("Component", ColumnType::Tags, None),
            ("Verified", ColumnType::Checkbox, None),
            ("Bug id", ColumnType::AutoNumber, None),
        ],
        groups: vec![("Open", "red"), ("Resolved", "green")],
        items: vec![
            (
                0,
                "Login fails with SSO",
                vec![(0, Label("In progress")), (1, Label("Blocker")), (2, Me), (3, Date(-1)), (4, Tags(&["auth"]))],
            ),
            (
                0,
                "Typo on pricing page",
                vec![(0, Label("New")), (1, Label("Trivial")), (3, Date(-2)), (4, Tags(&["web"]))],
            ),
            (
                0,
                "Export times out on big boards",
                vec![(0, Label("In review")), (1, Label("Major")), (3, Date(-5)), (4, Tags(&["api", "export"]))],
            ),
            (
                1,
                "Crash when deleting a group",
                vec![(0, Label("Fixed")), (1, Label("Major")), (3, Date(-9)), (5, Check)],
            ),
        ],
    }
}

fn content_calendar() -> Spec {
    use Sample::*;
    let status = labels(
        &[("Idea", "grey"), ("Writing", "orange"), ("Editing", "purple"), ("Scheduled", "sky"), ("Published", "green")],
        "Published",
    );
    Spec {
        id: "content_calendar",
        name: "Content calendar",
        description: "Plan and publish content across channels.",
        columns: vec![
            ("Status", ColumnType::Status, status),
            ("Author", ColumnType::People, None),
            ("Publish date", ColumnType::Date, None),
            ("Channel", ColumnType::Dropdown, options(&["Blog", "Newsletter", "LinkedIn", "YouTube"])),
            ("Link", ColumnType::Link, None),
            ("Quality", ColumnType::Rating, None),
        ],
        groups: vec![("This month", "purple"), ("Backlog", "grey")],
        items: vec![
            (0, "How we scaled to 100K items", vec![(0, Label("Writing")), (1, Me), (2, Date(4)), (3, Label("Blog"))]),
            (
                0,
                "November newsletter",
                vec![(0, Label("Scheduled")), (2, Date(2)), (3, Label("Newsletter")), (5, Rating(4))],
            ),
            (0, "Product tour video", vec![(0, Label("Editing")), (2, Date(9)), (3, Label("YouTube"))]),
            (1, "Customer story: Acme", vec![(0, Label("Idea")), (3, Label("LinkedIn"))]),
        ],
    }
}

/// The built-in templates a board can be created from.
pub fn all() -> Vec<Spec> {
    vec![project_tracker(), crm_pipeline(), bug_tracker(), content_calendar()]
}

pub fn get(id: &str) -> Option<Spec> {
    all().into_iter().find(|s| s.id == id)
}

pub fn infos() -> Vec<TemplateInfo> {
    all()
        .into_iter()
        .map(|s| TemplateInfo { id: s.id.into(), name: s.name.into(), description: s.description.into() })
        .collect()
}
