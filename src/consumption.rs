//! The consumption file (消费档案): orders (开单) of one or more items with
//! their sessions and agreed prices, payments, refunds, and executions
//! (执行/划扣) against an order line's remaining sessions. Nothing here is
//! deleted or edited: a mistake is voided with a reason (voiding an order
//! voids what hangs off it), and money given back is a refund of its own.
//! Every write that belongs together is one transaction.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::customers::{self, CustomerId};
use crate::error::{Error, Problem, Result};
use crate::items::{self, Category, ItemId};
use crate::money::Money;
use crate::staff::StaffId;
use crate::store::{new_uid, write_tx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrderId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LineId(pub i64);

/// The most sessions one line can hold (a typo guard, not a business rule).
const MAX_SESSIONS: i64 = 999;

/// One line of an order as the form sends it.
#[derive(Debug, Clone, Deserialize)]
pub struct LineDraft {
    pub item_id: ItemId,
    pub sessions: i64,
    /// The agreed price of the whole line, after discount.
    pub price: Money,
    /// The list price of the whole line before discount; the item's list
    /// price × sessions when absent.
    #[serde(default)]
    pub list_price: Option<Money>,
}

/// A payment taken with the order, or on its own later.
#[derive(Debug, Clone, Deserialize)]
pub struct PaymentDraft {
    pub amount: Money,
    pub method: String,
}

/// An order as the form sends it.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderDraft {
    pub customer_id: CustomerId,
    /// Local date; today when absent.
    #[serde(default)]
    pub date: Option<String>,
    pub lines: Vec<LineDraft>,
    #[serde(default)]
    pub payment: Option<PaymentDraft>,
    #[serde(default)]
    pub consultant: Option<String>,
    #[serde(default)]
    pub doctor: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub order_no: Option<String>,
    #[serde(default)]
    pub arrival_id: Option<i64>,
    /// Vouchers and points used at this payment (抵扣).
    #[serde(default)]
    pub credits: crate::credits::Asked,
}

/// The payment methods the form offers; any other text is accepted too.
pub const PAYMENT_METHODS: [&str; 6] = ["微信", "支付宝", "银行卡", "现金", "储值卡", "其他"];

/// A date a record is dated by: today when absent, never after today.
pub fn record_date(text: &Option<String>, clock: &Clock, field: &str) -> Result<NaiveDate> {
    let date = match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => clock.today(),
        Some(t) => crate::parse::date(t).map_err(|reason| Error::invalid(field, reason))?,
    };
    if date > clock.today() {
        return Err(Error::invalid(field, format!("日期 {date} 在今天（{}）之后，不能登记未来的记录", clock.today())));
    }
    Ok(date)
}

fn trimmed(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

fn check_method(method: &str) -> Result<String> {
    let m = method.trim();
    if m.is_empty() {
        return Err(Error::invalid("method", "请选择付款方式"));
    }
    Ok(m.chars().take(20).collect())
}

/// A validated line ready to write.
pub struct NewLine {
    pub item_id: ItemId,
    pub sessions: i64,
    pub list_price: Money,
    pub price: Money,
}

/// A validated order ready to write (forms and imports both end here).
pub struct NewOrder {
    pub customer_id: CustomerId,
    pub date: NaiveDate,
    pub lines: Vec<NewLine>,
    pub consultant: Option<String>,
    pub doctor: Option<String>,
    pub note: Option<String>,
    pub order_no: Option<String>,
    pub arrival_id: Option<i64>,
    pub import_key: Option<String>,
}

fn validate_lines(conn: &Connection, lines: &[LineDraft]) -> Result<Vec<NewLine>> {
    if lines.is_empty() {
        return Err(Error::invalid("lines", "请至少添加一个项目"));
    }
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        let item = match items::get(conn, line.item_id) {
            Ok(item) => item,
            Err(_) => {
                problems.push(Problem::field("lines", format!("第 {n} 个项目不在项目目录中")));
                continue;
            }
        };
        if !(1..=MAX_SESSIONS).contains(&line.sessions) {
            problems.push(Problem::field("lines", format!("「{}」的次数应为 1 到 {MAX_SESSIONS}", item.name)));
        }
        if line.price.fen() < 0 {
            problems.push(Problem::field("lines", format!("「{}」的成交价不能为负数", item.name)));
        }
        let list_price = match line.list_price {
            Some(p) => p,
            None => item.list_price.unwrap_or(line.price).times(line.sessions.clamp(1, MAX_SESSIONS)).unwrap_or_else(|why| {
                problems.push(Problem::field("lines", format!("「{}」：{why}", item.name)));
                Money::ZERO
            }),
        };
        out.push(NewLine { item_id: item.id, sessions: line.sessions, list_price: list_price.max(Money::ZERO), price: line.price });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Writes an order and its lines. Joins the caller's transaction.
pub fn insert_order_tx(conn: &Connection, clock: &Clock, by: StaffId, order: &NewOrder) -> Result<(OrderId, Vec<LineId>)> {
    conn.prepare_cached(
        "INSERT INTO orders (uid, customer_id, order_date, order_no, arrival_id, consultant, doctor, note, import_key, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        new_uid(),
        order.customer_id.0,
        order.date.to_string(),
        order.order_no,
        order.arrival_id,
        order.consultant,
        order.doctor,
        order.note,
        order.import_key,
        clock.now_utc(),
        by.0
    ])?;
    let order_id = OrderId(conn.last_insert_rowid());
    let mut line_ids = Vec::with_capacity(order.lines.len());
    for line in &order.lines {
        conn.prepare_cached(
            "INSERT INTO order_lines (uid, order_id, item_id, sessions, list_price_fen, price_fen) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![new_uid(), order_id.0, line.item_id.0, line.sessions, line.list_price, line.price])?;
        line_ids.push(LineId(conn.last_insert_rowid()));
    }
    Ok((order_id, line_ids))
}

/// Writes a payment. Joins the caller's transaction.
pub fn insert_payment_tx(
    conn: &Connection,
    clock: &Clock,
    by: StaffId,
    customer: CustomerId,
    order: Option<OrderId>,
    date: NaiveDate,
    amount: Money,
    method: &str,
) -> Result<i64> {
    if amount.fen() <= 0 {
        return Err(Error::invalid("amount", "收款金额应大于 0；退款请用「退款」"));
    }
    conn.prepare_cached(
        "INSERT INTO payments (uid, customer_id, order_id, pay_date, amount_fen, method, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![new_uid(), customer.0, order.map(|o| o.0), date.to_string(), amount, method, clock.now_utc(), by.0])?;
    Ok(conn.last_insert_rowid())
}

/// Records an order (开单) with its lines and, when given, its payment, in
/// the caller's transaction. What it implies for calls is the caller's:
/// the desk's [`crate::desk::create_order`].
pub fn create_order_in(tx: &Connection, clock: &Clock, by: StaffId, draft: &OrderDraft) -> Result<OrderId> {
    customers::get(tx, draft.customer_id)?;
    let date = record_date(&draft.date, clock, "date")?;
    let lines = validate_lines(tx, &draft.lines)?;
    let total: Money = lines.iter().map(|l| l.price).sum();
    let order_no = trimmed(&draft.order_no);
    if let Some(no) = &order_no {
        if order_id_by_no(tx, no)?.is_some() {
            return Err(Error::invalid("order_no", format!("单号 {no} 已经用过")));
        }
    }
    let order = NewOrder {
        customer_id: draft.customer_id,
        date,
        lines,
        consultant: trimmed(&draft.consultant),
        doctor: trimmed(&draft.doctor),
        note: trimmed(&draft.note),
        order_no,
        arrival_id: draft.arrival_id,
        import_key: None,
    };
    let (order_id, _) = insert_order_tx(tx, clock, by, &order)?;
    for line in &order.lines {
        crate::followups::cancel_repurchase_after(tx, draft.customer_id, line.item_id, date)?;
    }
    let credited = crate::credits::apply_tx(tx, clock, by, draft.customer_id, order_id, date, &draft.credits)?;
    if let Some(p) = &draft.payment {
        if p.amount.fen() > 0 {
            let owed = total - credited;
            if p.amount > owed {
                return Err(Error::invalid("amount", if credited.fen() > 0 {
                    format!("收款 ¥{} 超过抵扣后还需付的 ¥{owed}", p.amount)
                } else {
                    format!("收款 ¥{} 超过订单金额 ¥{total}", p.amount)
                }));
            }
            insert_payment_tx(tx, clock, by, draft.customer_id, Some(order_id), date, p.amount, &check_method(&p.method)?)?;
        }
    }
    Ok(order_id)
}

pub fn order_id_by_no(conn: &Connection, order_no: &str) -> Result<Option<OrderId>> {
    Ok(conn.prepare_cached("SELECT id FROM orders WHERE order_no = ?1")?.query_row([order_no], |r| r.get(0)).optional()?.map(OrderId))
}

/// An order's money: agreed total, paid, credited (vouchers and points) and
/// refunded (voided records left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OrderMoney {
    pub total: Money,
    pub paid: Money,
    pub credited: Money,
    pub refunded: Money,
    /// What the customer still owes on it (never below zero).
    pub owed: Money,
}

pub fn order_money(conn: &Connection, order: OrderId) -> Result<OrderMoney> {
    let (total, paid, credited, refunded): (i64, i64, i64, i64) = conn
        .prepare_cached(
            "SELECT (SELECT coalesce(sum(price_fen), 0) FROM order_lines WHERE order_id = ?1),
                    (SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE order_id = ?1 AND voided_at IS NULL),
                    (SELECT coalesce(sum(amount_fen), 0) FROM order_credits WHERE order_id = ?1 AND voided_at IS NULL),
                    (SELECT coalesce(sum(amount_fen), 0) FROM refunds WHERE order_id = ?1 AND voided_at IS NULL)",
        )?
        .query_row([order.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(OrderMoney {
        total: Money(total),
        paid: Money(paid),
        credited: Money(credited),
        refunded: Money(refunded),
        owed: Money((total - paid - credited).max(0)),
    })
}

struct OrderHead {
    customer: CustomerId,
    date: NaiveDate,
    voided: bool,
}

fn order_head(conn: &Connection, order: OrderId) -> Result<OrderHead> {
    let (customer, date, voided): (i64, String, bool) = conn
        .prepare_cached("SELECT customer_id, order_date, voided_at IS NOT NULL FROM orders WHERE id = ?1")?
        .query_row([order.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or_else(|| Error::NotFound("找不到这张订单。".into()))?;
    let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|_| Error::NotFound("订单日期无法读取。".into()))?;
    Ok(OrderHead { customer: CustomerId(customer), date, voided })
}

/// A later payment on an order (尾款) or a payment without an order.
#[derive(Debug, Clone, Deserialize)]
pub struct LaterPayment {
    pub customer_id: CustomerId,
    #[serde(default)]
    pub order_id: Option<OrderId>,
    #[serde(default)]
    pub date: Option<String>,
    pub amount: Money,
    #[serde(default)]
    pub method: String,
    /// Vouchers and points used on the order at this payment (抵扣).
    #[serde(default)]
    pub credits: crate::credits::Asked,
}

/// Records a later payment on an order or on account, with the vouchers and
/// points it uses on the order, in the caller's transaction
/// ([`crate::desk::add_payment`] is the desk's). Answers the payment, or
/// None when vouchers and points alone settled what was owed.
pub fn add_payment_in(tx: &Connection, clock: &Clock, by: StaffId, p: &LaterPayment) -> Result<Option<i64>> {
    customers::get(tx, p.customer_id)?;
    let date = record_date(&p.date, clock, "date")?;
    if let Some(order) = p.order_id {
        let head = order_head(tx, order)?;
        check_order_usable(&head, p.customer_id, date)?;
        crate::credits::apply_tx(tx, clock, by, p.customer_id, order, date, &p.credits)?;
        let money = order_money(tx, order)?;
        if p.amount > money.owed {
            return Err(Error::invalid("amount", format!("收款 ¥{} 超过这张订单的未付金额 ¥{}", p.amount, money.owed)));
        }
    } else if !p.credits.is_empty() {
        return Err(Error::invalid("order_id", "用券或积分抵扣时请选择是哪张订单"));
    }
    if p.amount.fen() == 0 && !p.credits.is_empty() {
        return Ok(None);
    }
    let id = insert_payment_tx(tx, clock, by, p.customer_id, p.order_id, date, p.amount, &check_method(&p.method)?)?;
    Ok(Some(id))
}

fn check_order_usable(head: &OrderHead, customer: CustomerId, date: NaiveDate) -> Result<()> {
    if head.customer != customer {
        return Err(Error::invalid("order_id", "这张订单不属于这位客户"));
    }
    if head.voided {
        return Err(Error::invalid("order_id", "这张订单已作废"));
    }
    if date < head.date {
        return Err(Error::invalid("date", format!("日期早于开单日期 {}", head.date)));
    }
    Ok(())
}

/// An order the customer still owes money on (定金 taken, 尾款 due).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owing {
    pub order_id: OrderId,
    pub order_date: String,
    pub items: String,
    pub total: Money,
    /// Paid in money, and in vouchers and points.
    pub paid: Money,
    pub owed: Money,
}

/// The customer's live orders with money still owed, oldest first.
pub fn owing(conn: &Connection, customer: CustomerId) -> Result<Vec<Owing>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.order_date,
                (SELECT group_concat(i.name, '、') FROM order_lines l JOIN items i ON i.id = l.item_id WHERE l.order_id = o.id),
                (SELECT coalesce(sum(price_fen), 0) FROM order_lines WHERE order_id = o.id) AS total,
                (SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE order_id = o.id AND voided_at IS NULL)
                + (SELECT coalesce(sum(amount_fen), 0) FROM order_credits WHERE order_id = o.id AND voided_at IS NULL) AS paid
         FROM orders o WHERE o.customer_id = ?1 AND o.voided_at IS NULL AND total > paid
         ORDER BY o.order_date, o.id",
    )?;
    let rows = stmt
        .query_map([customer.0], |r| {
            let total: i64 = r.get(3)?;
            let paid: i64 = r.get(4)?;
            Ok(Owing {
                order_id: OrderId(r.get(0)?),
                order_date: r.get(1)?,
                items: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                total: Money(total),
                paid: Money(paid),
                owed: Money(total - paid),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A package line: what was bought, done, returned and what is left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    pub line_id: LineId,
    pub order_id: OrderId,
    pub order_date: String,
    pub order_no: Option<String>,
    pub item_id: ItemId,
    pub item: String,
    pub category: String,
    pub sessions: i64,
    pub done: i64,
    pub returned: i64,
    pub left: i64,
    pub price: Money,
    pub voided: bool,
    #[serde(skip)]
    pub customer_id: CustomerId,
}

const PACKAGE_SQL: &str = "
    SELECT l.id, o.id, o.order_date, o.order_no, i.id, i.name, i.category, l.sessions,
           (SELECT coalesce(sum(e.count), 0) FROM executions e WHERE e.order_line_id = l.id AND e.voided_at IS NULL),
           (SELECT coalesce(sum(r.sessions_returned), 0) FROM refunds r WHERE r.order_line_id = l.id AND r.voided_at IS NULL),
           l.price_fen, o.voided_at IS NOT NULL, o.customer_id
    FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN items i ON i.id = l.item_id";

fn package_of(r: &rusqlite::Row) -> rusqlite::Result<Package> {
    let sessions: i64 = r.get(7)?;
    let done: i64 = r.get(8)?;
    let returned: i64 = r.get(9)?;
    let voided: bool = r.get(11)?;
    Ok(Package {
        line_id: LineId(r.get(0)?),
        order_id: OrderId(r.get(1)?),
        order_date: r.get(2)?,
        order_no: r.get(3)?,
        item_id: ItemId(r.get(4)?),
        item: r.get(5)?,
        category: r.get(6)?,
        sessions,
        done,
        returned,
        left: if voided { 0 } else { (sessions - done - returned).max(0) },
        price: r.get(10)?,
        voided,
        customer_id: CustomerId(r.get(12)?),
    })
}

/// Every package line of a customer, newest order first.
pub fn packages(conn: &Connection, customer: CustomerId) -> Result<Vec<Package>> {
    let mut stmt = conn.prepare_cached(&format!("{PACKAGE_SQL} WHERE o.customer_id = ?1 ORDER BY o.order_date DESC, o.id DESC, l.id"))?;
    let rows = stmt.query_map([customer.0], package_of)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn package(conn: &Connection, line: LineId) -> Result<Package> {
    conn.prepare_cached(&format!("{PACKAGE_SQL} WHERE l.id = ?1"))?
        .query_row([line.0], package_of)
        .optional()?
        .ok_or_else(|| Error::NotFound("找不到这个项目的购买记录。".into()))
}

/// The customer's packages with sessions left (open packages).
pub fn open_packages(conn: &Connection, customer: CustomerId) -> Result<Vec<Package>> {
    Ok(packages(conn, customer)?.into_iter().filter(|p| p.left > 0).collect())
}

/// An execution (划扣) as the form sends it.
#[derive(Debug, Clone, Deserialize)]
pub struct ExecutionDraft {
    pub line_id: LineId,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default = "one")]
    pub count: i64,
    /// Who did it (doctor or nurse), as text.
    #[serde(default)]
    pub performer: Option<String>,
}

fn one() -> i64 {
    1
}

/// Writes an execution against a line that has `count` sessions left on `date`. Joins the caller's transaction.
pub fn insert_execution_tx(
    conn: &Connection,
    clock: &Clock,
    by: StaffId,
    line: LineId,
    date: NaiveDate,
    count: i64,
    performer: Option<&str>,
    import_key: Option<&str>,
) -> Result<i64> {
    let pkg = package(conn, line)?;
    if pkg.voided {
        return Err(Error::invalid("line_id", "这张订单已作废，不能划扣"));
    }
    if count < 1 {
        return Err(Error::invalid("count", "划扣次数至少为 1"));
    }
    if count > pkg.left {
        let last: Option<i64> = conn
            .query_row("SELECT max(id) FROM executions WHERE order_line_id = ?1 AND voided_at IS NULL", [line.0], |r| r.get(0))?;
        let by = match last {
            Some(e) => format!("（最近一次由 {} 划扣）", crate::staff::who_first(conn, clock, "executions", e)?),
            None => String::new(),
        };
        return Err(Error::invalid("count", format!("「{}」只剩 {} 次，不能划扣 {count} 次{by}", pkg.item, pkg.left)));
    }
    if date.to_string() < pkg.order_date {
        return Err(Error::invalid("date", format!("划扣日期早于开单日期 {}", pkg.order_date)));
    }
    write_execution(conn, clock, by, pkg.customer_id, pkg.line_id, date, count, performer, import_key)
}

/// Writes an execution already checked against its line (live, dated on or
/// after its order, with `count` sessions left: a line just written with at
/// least that many sessions, say), and the calls it brings.
pub fn write_execution(
    conn: &Connection,
    clock: &Clock,
    by: StaffId,
    customer: CustomerId,
    line: LineId,
    date: NaiveDate,
    count: i64,
    performer: Option<&str>,
    import_key: Option<&str>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO executions (uid, customer_id, order_line_id, exec_date, count, performer, import_key, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![new_uid(), customer.0, line.0, date.to_string(), count, performer, import_key, clock.now_utc(), by.0])?;
    let id = conn.last_insert_rowid();
    // Imported history (an import key) makes follow-ups due before today historical.
    crate::followups::on_execution(conn, clock, id, import_key.is_some())?;
    Ok(id)
}

/// Records an execution (划扣) of sessions from one package line, in the
/// caller's transaction; returns it and whose it is ([`crate::desk::execute`]
/// is the desk's).
pub fn execute_in(tx: &Connection, clock: &Clock, by: StaffId, draft: &ExecutionDraft) -> Result<(i64, CustomerId)> {
    let date = record_date(&draft.date, clock, "date")?;
    let performer = trimmed(&draft.performer);
    let id = insert_execution_tx(tx, clock, by, draft.line_id, date, draft.count, performer.as_deref(), None)?;
    Ok((id, customer_of(tx, "executions", id)?))
}

/// Takes `count` sessions of `item` from the customer's oldest orders dated on
/// or before `date` that have sessions left, spilling over to the next order
/// when one runs out. Fails, writing nothing of it, when fewer are left.
pub fn execute_oldest_first_tx(
    conn: &Connection,
    clock: &Clock,
    by: StaffId,
    customer: CustomerId,
    item: ItemId,
    date: NaiveDate,
    count: i64,
    import_key: Option<&str>,
) -> Result<()> {
    let mut open = open_lines(conn, customer, item)?;
    take_oldest_first(conn, clock, by, &mut open, date, count, import_key)
}

/// The customer's live lines of `item` with sessions left, oldest order first.
pub fn open_lines(conn: &Connection, customer: CustomerId, item: ItemId) -> Result<Vec<Package>> {
    let mut stmt = conn.prepare_cached(&format!(
        // `+l.item_id`: the customer's orders first (a few), never every line of the item in the clinic.
        "{PACKAGE_SQL} WHERE o.customer_id = ?1 AND +l.item_id = ?2 AND o.voided_at IS NULL ORDER BY o.order_date, o.id, l.id"
    ))?;
    let lines = stmt.query_map(params![customer.0, item.0], package_of)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(lines.into_iter().filter(|p| p.left > 0).collect())
}

/// [`execute_oldest_first_tx`] on lines already read by [`open_lines`] (an
/// import reads a customer's lines once): takes from those ordered on or
/// before `date`, oldest first, and counts what it took off them.
pub fn take_oldest_first(
    conn: &Connection,
    clock: &Clock,
    by: StaffId,
    open: &mut [Package],
    date: NaiveDate,
    count: i64,
    import_key: Option<&str>,
) -> Result<()> {
    let day = date.to_string();
    let usable = |p: &Package| p.left > 0 && p.order_date <= day;
    let available: i64 = open.iter().filter(|p| usable(p)).map(|p| p.left).sum();
    if available < count {
        return Err(Error::invalid(
            "count",
            if available == 0 { "该客户在这一天之前没有这个项目的剩余次数".to_string() } else { format!("该客户这个项目只剩 {available} 次，不能划扣 {count} 次") },
        ));
    }
    let mut remaining = count;
    for pkg in open.iter_mut() {
        if remaining == 0 {
            break;
        }
        if !usable(pkg) {
            continue;
        }
        let take = remaining.min(pkg.left);
        // Live, ordered on or before `date`, with `take` sessions left: checked above.
        write_execution(conn, clock, by, pkg.customer_id, pkg.line_id, date, take, None, import_key)?;
        pkg.left -= take;
        pkg.done += take;
        remaining -= take;
    }
    Ok(())
}

/// A refund (退款) as the form sends it.
#[derive(Debug, Clone, Deserialize)]
pub struct RefundDraft {
    pub customer_id: CustomerId,
    #[serde(default)]
    pub line_id: Option<LineId>,
    #[serde(default)]
    pub date: Option<String>,
    pub amount: Money,
    /// Unused sessions taken off the line with the refund.
    #[serde(default)]
    pub sessions_returned: i64,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A validated refund ready to write.
pub struct NewRefund {
    pub customer_id: CustomerId,
    pub order_id: Option<OrderId>,
    pub line_id: Option<LineId>,
    pub date: NaiveDate,
    pub amount: Money,
    pub sessions_returned: i64,
    pub method: Option<String>,
    pub reason: Option<String>,
    pub import_key: Option<String>,
}

/// Writes a refund. Joins the caller's transaction.
pub fn insert_refund_tx(conn: &Connection, clock: &Clock, by: StaffId, r: &NewRefund) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO refunds (uid, customer_id, order_id, order_line_id, refund_date, amount_fen, sessions_returned, method, reason, import_key, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        new_uid(),
        r.customer_id.0,
        r.order_id.map(|o| o.0),
        r.line_id.map(|l| l.0),
        r.date.to_string(),
        r.amount,
        r.sessions_returned,
        r.method,
        r.reason,
        r.import_key,
        clock.now_utc(),
        by.0
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Records a refund: money back, and optionally unused sessions taken off a
/// package. A refund of a package cannot exceed what was paid on its order.
/// [`crate::desk::refund`] is the desk's, with the package calls a refund
/// of the last sessions cancels.
pub fn refund(conn: &mut Connection, clock: &Clock, by: StaffId, d: &RefundDraft) -> Result<i64> {
    let tx = write_tx(conn)?;
    let id = refund_in(&tx, clock, by, d)?;
    tx.commit()?;
    Ok(id)
}

/// [`refund`] in the caller's transaction.
pub fn refund_in(tx: &Connection, clock: &Clock, by: StaffId, d: &RefundDraft) -> Result<i64> {
    customers::get(tx, d.customer_id)?;
    let date = record_date(&d.date, clock, "date")?;
    if d.amount.fen() <= 0 {
        return Err(Error::invalid("amount", "退款金额应大于 0"));
    }
    if d.sessions_returned < 0 {
        return Err(Error::invalid("sessions_returned", "退回次数不能为负数"));
    }
    let reason = trimmed(&d.reason).ok_or_else(|| Error::invalid("reason", "请填写退款原因"))?;
    let mut order_id = None;
    match d.line_id {
        Some(line) => {
            let pkg = package(tx, line)?;
            let head = order_head(tx, pkg.order_id)?;
            check_order_usable(&head, d.customer_id, date)?;
            if d.sessions_returned > pkg.left {
                return Err(Error::invalid("sessions_returned", format!("「{}」只剩 {} 次，不能退回 {} 次", pkg.item, pkg.left, d.sessions_returned)));
            }
            let money = order_money(tx, pkg.order_id)?;
            let refundable = money.paid - money.refunded;
            if d.amount > refundable {
                return Err(Error::invalid("amount", format!("退款 ¥{} 超过这张订单可退的 ¥{refundable}", d.amount)));
            }
            order_id = Some(pkg.order_id);
        }
        None if d.sessions_returned > 0 => {
            return Err(Error::invalid("sessions_returned", "退回次数时请选择是哪个项目"));
        }
        None => {}
    }
    insert_refund_tx(
        tx,
        clock,
        by,
        &NewRefund {
            customer_id: d.customer_id,
            order_id,
            line_id: d.line_id,
            date,
            amount: d.amount,
            sessions_returned: d.sessions_returned,
            method: trimmed(&d.method),
            reason: Some(reason),
            import_key: None,
        },
    )
}

/// What can be voided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Voidable {
    Order,
    Payment,
    Refund,
    Execution,
    Arrival,
    /// A voucher or points used on an order (抵扣).
    Credit,
}

impl Voidable {
    const ALL: [Voidable; 6] = [Voidable::Order, Voidable::Payment, Voidable::Refund, Voidable::Execution, Voidable::Arrival, Voidable::Credit];

    /// The kind's name in JSON and in the timeline's SQL.
    pub fn key(self) -> &'static str {
        match self {
            Voidable::Order => "order",
            Voidable::Payment => "payment",
            Voidable::Refund => "refund",
            Voidable::Execution => "execution",
            Voidable::Arrival => "arrival",
            Voidable::Credit => "credit",
        }
    }

    fn table(self) -> &'static str {
        match self {
            Voidable::Order => "orders",
            Voidable::Payment => "payments",
            Voidable::Refund => "refunds",
            Voidable::Execution => "executions",
            Voidable::Arrival => "arrivals",
            Voidable::Credit => "order_credits",
        }
    }
}

/// Voids a record entered by mistake, with a reason, in the caller's
/// transaction; returns whose record it was. Voiding an order voids its
/// payments, refunds, executions and credits with it; a voided credit gives
/// its voucher or points back. A void is final.
/// [`crate::desk::void`] is the desk's.
pub fn void_tx(tx: &Connection, clock: &Clock, by: StaffId, what: Voidable, id: i64, reason: &str) -> Result<CustomerId> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid("reason", "请填写作废原因"));
    }
    let table = what.table();
    let voided: Option<bool> =
        tx.query_row(&format!("SELECT voided_at IS NOT NULL FROM {table} WHERE id = ?1"), [id], |r| r.get(0)).optional()?;
    match voided {
        None => return Err(Error::NotFound("找不到要作废的记录。".into())),
        Some(true) => return Err(Error::Conflict("这条记录已经作废过了。".into())),
        Some(false) => {}
    }
    let now = clock.now_utc();
    let set = "SET voided_at = ?2, voided_by = ?3, void_reason = ?4";
    tx.execute(&format!("UPDATE {table} {set} WHERE id = ?1"), params![id, now, by.0, reason])?;
    let voided_executions: Vec<i64> = match what {
        Voidable::Execution => vec![id],
        Voidable::Order => tx
            .prepare("SELECT e.id FROM executions e JOIN order_lines l ON l.id = e.order_line_id WHERE l.order_id = ?1 AND e.voided_at IS NULL")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        _ => Vec::new(),
    };
    let released: Vec<i64> = match what {
        Voidable::Credit => vec![id],
        Voidable::Order => crate::credits::live_of_order(tx, OrderId(id))?,
        _ => Vec::new(),
    };
    if what == Voidable::Order {
        let cascade = format!("随订单作废：{reason}");
        tx.execute(&format!("UPDATE order_credits {set} WHERE order_id = ?1 AND voided_at IS NULL"), params![id, now, by.0, cascade])?;
        tx.execute(&format!("UPDATE payments {set} WHERE order_id = ?1 AND voided_at IS NULL"), params![id, now, by.0, cascade])?;
        tx.execute(&format!("UPDATE refunds {set} WHERE order_id = ?1 AND voided_at IS NULL"), params![id, now, by.0, cascade])?;
        tx.execute(
            &format!("UPDATE executions {set} WHERE order_line_id IN (SELECT id FROM order_lines WHERE order_id = ?1) AND voided_at IS NULL"),
            params![id, now, by.0, cascade],
        )?;
    }
    for execution in voided_executions {
        crate::followups::on_void_execution(tx, execution)?;
    }
    for credit in released {
        crate::credits::release_tx(tx, clock, by, credit, reason)?;
    }
    customer_of(tx, table, id)
}

/// The customer a record of `table` belongs to.
fn customer_of(conn: &Connection, table: &str, id: i64) -> Result<CustomerId> {
    Ok(CustomerId(conn.query_row(&format!("SELECT customer_id FROM {table} WHERE id = ?1"), [id], |r| r.get(0))?))
}

impl rusqlite::types::FromSql for Voidable {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        crate::store::stored(v, "记录类型", |t| Voidable::ALL.into_iter().find(|k| k.key() == t))
    }
}

/// One entry of a timeline (a customer's, or the clinic's day): its kind is
/// the kind of record it is, the one a void names.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    pub kind: Voidable,
    pub id: i64,
    pub date: String,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub title: String,
    pub detail: Option<String>,
    pub amount: Option<Money>,
    pub by: String,
    pub voided: bool,
    pub void_reason: Option<String>,
}

/// Which records a timeline shows.
enum Scope {
    Customer(CustomerId),
    Day(NaiveDate),
}

/// The union of every kind of record, each filtered by `scope` on its own
/// customer or date column.
fn timeline_sql(scope: &Scope) -> String {
    let filter = |alias: &str, date_col: &str| match scope {
        Scope::Customer(_) => format!("{alias}.customer_id = ?1"),
        Scope::Day(_) => format!("{alias}.{date_col} = ?1"),
    };
    format!(
        "SELECT 'arrival', a.id, a.visit_date, '到院' || coalesce('·' || a.kind, ''),
               nullif(trim(coalesce(a.purpose, '') || ' ' || coalesce(CASE a.outcome WHEN 'deal' THEN '成交' WHEN 'no_deal' THEN '未成交' END, '')), ''),
               NULL, s.name, a.voided_at IS NOT NULL, a.void_reason, a.created_at, a.customer_id
        FROM arrivals a JOIN staff s ON s.id = a.created_by WHERE {arr}
        UNION ALL
        SELECT 'order', o.id, o.order_date, '开单' || coalesce(' ' || o.order_no, ''),
               (SELECT group_concat(i.name || '×' || l.sessions, '、') FROM order_lines l JOIN items i ON i.id = l.item_id WHERE l.order_id = o.id),
               (SELECT sum(price_fen) FROM order_lines WHERE order_id = o.id), s.name, o.voided_at IS NOT NULL, o.void_reason, o.created_at, o.customer_id
        FROM orders o JOIN staff s ON s.id = o.created_by WHERE {ord}
        UNION ALL
        SELECT 'payment', p.id, p.pay_date, '收款', p.method, p.amount_fen, s.name, p.voided_at IS NOT NULL, p.void_reason, p.created_at, p.customer_id
        FROM payments p JOIN staff s ON s.id = p.created_by WHERE {pay}
        UNION ALL
        SELECT 'execution', e.id, e.exec_date, '执行', i.name || ' ' || e.count || ' 次' || coalesce('（' || e.performer || '）', ''),
               NULL, s.name, e.voided_at IS NOT NULL, e.void_reason, e.created_at, e.customer_id
        FROM executions e JOIN order_lines l ON l.id = e.order_line_id JOIN items i ON i.id = l.item_id
             JOIN staff s ON s.id = e.created_by WHERE {exe}
        UNION ALL
        SELECT 'refund', r.id, r.refund_date, '退款',
               nullif(trim(coalesce(r.reason, '') || CASE WHEN r.sessions_returned > 0 THEN ' 退回 ' || r.sessions_returned || ' 次' ELSE '' END), ''),
               -r.amount_fen, s.name, r.voided_at IS NOT NULL, r.void_reason, r.created_at, r.customer_id
        FROM refunds r JOIN staff s ON s.id = r.created_by WHERE {refu}
        UNION ALL
        SELECT 'credit', k.id, k.credit_date, CASE k.kind WHEN 'voucher' THEN '用券抵扣' ELSE '积分抵扣' END,
               CASE k.kind WHEN 'voucher' THEN coalesce((SELECT '券面额 ¥' || (v.face_fen / 100) || '.' || printf('%02d', v.face_fen % 100) FROM vouchers v WHERE v.id = k.voucher_id), '')
                           ELSE k.points || ' 积分' END,
               k.amount_fen, s.name, k.voided_at IS NOT NULL, k.void_reason, k.created_at, k.customer_id
        FROM order_credits k JOIN staff s ON s.id = k.created_by WHERE {cred}",
        arr = filter("a", "visit_date"),
        ord = filter("o", "order_date"),
        pay = filter("p", "pay_date"),
        exe = filter("e", "exec_date"),
        refu = filter("r", "refund_date"),
        cred = filter("k", "credit_date"),
    )
}

fn entries(conn: &Connection, scope: Scope) -> Result<Vec<TimelineEntry>> {
    let sql = format!(
        "SELECT t.*, c.name FROM ({}) t JOIN customers c ON c.id = t.customer_id ORDER BY 3 DESC, 10 DESC",
        timeline_sql(&scope)
    );
    let param = match scope {
        Scope::Customer(c) => rusqlite::types::Value::Integer(c.0),
        Scope::Day(d) => rusqlite::types::Value::Text(d.to_string()),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([param], |r| {
            Ok(TimelineEntry {
                kind: r.get(0)?,
                id: r.get(1)?,
                date: r.get(2)?,
                title: r.get(3)?,
                detail: r.get(4)?,
                amount: r.get::<_, Option<i64>>(5)?.map(Money),
                by: r.get(6)?,
                voided: r.get(7)?,
                void_reason: r.get(8)?,
                customer_id: CustomerId(r.get(10)?),
                customer_name: r.get(11)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A customer's arrivals, orders, payments, executions and refunds, newest first.
pub fn timeline(conn: &Connection, customer: CustomerId) -> Result<Vec<TimelineEntry>> {
    entries(conn, Scope::Customer(customer))
}

/// The clinic's day: every record dated that day, and its totals.
#[derive(Debug, Clone, Serialize)]
pub struct DayLedger {
    pub date: String,
    pub entries: Vec<TimelineEntry>,
    pub paid: Money,
    pub refunded: Money,
    pub net: Money,
    pub sessions_done: i64,
    pub arrivals: i64,
}

pub fn day_ledger(conn: &Connection, date: NaiveDate) -> Result<DayLedger> {
    let entries = entries(conn, Scope::Day(date))?;
    let live = || entries.iter().filter(|e| !e.voided);
    let paid: Money = live().filter(|e| e.kind == Voidable::Payment).filter_map(|e| e.amount).sum();
    let refunded = Money(-live().filter(|e| e.kind == Voidable::Refund).filter_map(|e| e.amount).sum::<Money>().fen());
    let sessions_done: i64 = conn
        .prepare_cached("SELECT coalesce(sum(count), 0) FROM executions WHERE exec_date = ?1 AND voided_at IS NULL")?
        .query_row([date.to_string()], |r| r.get(0))?;
    let arrivals = live().filter(|e| e.kind == Voidable::Arrival).count() as i64;
    Ok(DayLedger { date: date.to_string(), paid, refunded, net: paid - refunded, sessions_done, arrivals, entries })
}

/// The item categories, for forms.
pub fn categories() -> Vec<&'static str> {
    Category::ALL.iter().map(|c| c.as_str()).collect()
}

#[cfg(test)]
mod tests;
