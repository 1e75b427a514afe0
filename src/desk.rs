//! The clinic's writes as the desk makes them: each fact together with what
//! it implies elsewhere — the appointment an arrival settles, the calls a
//! visit, a void or a changed birthday makes or cancels — in one
//! transaction. The fact modules (`consumption`, `triage`, `customers`,
//! `appointments`) only record facts; the consequences are spelled out here,
//! where they are called, so the module graph runs one way: commands and
//! imports → `desk`, `catch_up` → the fact modules → `followups`.

use rusqlite::Connection;

use crate::appointments;
use crate::catch_up::{self, Touched};
use crate::clock::Clock;
use crate::consumption::{self, ExecutionDraft, LaterPayment, OrderDraft, OrderId, Voidable};
use crate::customers::{self, CustomerDraft, CustomerId};
use crate::error::Result;
use crate::staff::StaffId;
use crate::store::write_tx;
use crate::triage::{self, ArrivalDraft, BoardEntry};

/// The calls of one customer after a write, in its transaction.
fn calls_follow(tx: &Connection, clock: &Clock, customer: CustomerId) -> Result<()> {
    catch_up::customers(tx, clock, &Touched::one(customer), false)
}

/// 开单: the order, and the calls a visit day implies.
pub fn create_order(conn: &mut Connection, clock: &Clock, by: StaffId, draft: &OrderDraft) -> Result<OrderId> {
    let tx = write_tx(conn)?;
    let id = consumption::create_order_in(&tx, clock, by, draft)?;
    calls_follow(&tx, clock, draft.customer_id)?;
    tx.commit()?;
    Ok(id)
}

/// 收款: a later payment (with the vouchers and points it uses), and the
/// calls a visit day implies. None: vouchers and points alone paid.
pub fn add_payment(conn: &mut Connection, clock: &Clock, by: StaffId, p: &LaterPayment) -> Result<Option<i64>> {
    let tx = write_tx(conn)?;
    let id = consumption::add_payment_in(&tx, clock, by, p)?;
    calls_follow(&tx, clock, p.customer_id)?;
    tx.commit()?;
    Ok(id)
}

/// 退款: money back, and the package calls a refund of the last sessions cancels.
pub fn refund(conn: &mut Connection, clock: &Clock, by: StaffId, d: &consumption::RefundDraft) -> Result<i64> {
    let tx = write_tx(conn)?;
    let id = consumption::refund_in(&tx, clock, by, d)?;
    calls_follow(&tx, clock, d.customer_id)?;
    tx.commit()?;
    Ok(id)
}

/// 使用每月权益: the free session, and the calls it implies.
pub fn use_entitlement(conn: &mut Connection, clock: &Clock, by: StaffId, customer: CustomerId, item: &str) -> Result<OrderId> {
    let tx = write_tx(conn)?;
    let id = crate::wallet::use_entitlement_in(&tx, clock, by, customer, item)?;
    calls_follow(&tx, clock, customer)?;
    tx.commit()?;
    Ok(id)
}

/// 划扣: the session, its post-treatment calls, and the calls a visit day implies.
pub fn execute(conn: &mut Connection, clock: &Clock, by: StaffId, draft: &ExecutionDraft) -> Result<i64> {
    let tx = write_tx(conn)?;
    let (id, customer) = consumption::execute_in(&tx, clock, by, draft)?;
    calls_follow(&tx, clock, customer)?;
    tx.commit()?;
    Ok(id)
}

/// 作废: the void, and the calls the record no longer implies.
pub fn void(conn: &mut Connection, clock: &Clock, by: StaffId, what: Voidable, id: i64, reason: &str) -> Result<()> {
    let tx = write_tx(conn)?;
    void_in(&tx, clock, by, what, id, reason)?;
    tx.commit()?;
    Ok(())
}

/// [`void`] inside the caller's transaction (the demo's corrections).
pub fn void_in(tx: &Connection, clock: &Clock, by: StaffId, what: Voidable, id: i64, reason: &str) -> Result<()> {
    let customer = consumption::void_tx(tx, clock, by, what, id, reason)?;
    calls_follow(tx, clock, customer)
}

/// 编辑档案: the fields, and the calls a changed birthday or marketing choice implies.
pub fn update_customer(conn: &mut Connection, clock: &Clock, by: StaffId, id: CustomerId, draft: &CustomerDraft) -> Result<()> {
    let tx = write_tx(conn)?;
    customers::update_in(&tx, clock, by, id, draft)?;
    calls_follow(&tx, clock, id)?;
    tx.commit()?;
    Ok(())
}

/// 登记到院: the arrival, today's booked appointment marked arrived, and
/// the calls a visit day implies.
pub fn register(conn: &mut Connection, clock: &Clock, by: StaffId, d: &ArrivalDraft) -> Result<BoardEntry> {
    let tx = write_tx(conn)?;
    let id = triage::register_in(&tx, clock, by, d)?;
    appointments::arrived_tx(&tx, clock, by, d.customer_id, clock.today(), id)?;
    calls_follow(&tx, clock, d.customer_id)?;
    tx.commit()?;
    triage::entry(conn, id)
}

/// 到院签到 from the booking book: today's appointment becomes an arrival
/// on the board, with its purpose and the staff member it was booked with.
pub fn check_in(conn: &mut Connection, clock: &Clock, by: StaffId, appointment: i64) -> Result<BoardEntry> {
    let a = appointments::to_check_in(conn, clock, appointment)?;
    let draft = ArrivalDraft {
        customer_id: CustomerId(a.customer_id),
        kind: appointments::arrival_kind(&a.purpose).to_string(),
        channel: None,
        purpose: Some(a.item.clone().unwrap_or_else(|| a.purpose.clone())),
        assigned_to: a.staff_id.map(StaffId),
        department: None,
    };
    register(conn, clock, by, &draft)
}

#[cfg(test)]
mod tests {
    /// The code of a module above its tests, without comments.
    fn code(source: &str) -> String {
        source
            .split("#[cfg(test)]")
            .next()
            .unwrap_or("")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_fact_modules_never_call_up_into_the_desk_or_the_catch_up() {
        let facts = [
            ("appointments", include_str!("appointments.rs")),
            ("consumption", include_str!("consumption.rs")),
            ("customers", include_str!("customers.rs")),
            ("triage", include_str!("triage.rs")),
            ("followups", include_str!("followups.rs")),
            ("followups/calls", include_str!("followups/calls.rs")),
        ];
        for (name, source) in facts {
            let code = code(source);
            for above in ["crate::desk", "crate::catch_up", "crate::commands", "crate::import"] {
                assert!(!code.contains(above), "{name} reaches up into {above}");
            }
        }
        // The booking book and the desk's board know nothing of each other;
        // the desk joins them. Follow-ups know neither.
        assert!(!code(include_str!("appointments.rs")).contains("crate::triage"));
        assert!(!code(include_str!("triage.rs")).contains("crate::appointments"));
        for f in [include_str!("followups.rs"), include_str!("followups/calls.rs")] {
            let c = code(f);
            assert!(!c.contains("crate::appointments") && !c.contains("crate::triage") && !c.contains("crate::consumption"));
        }
    }
}
