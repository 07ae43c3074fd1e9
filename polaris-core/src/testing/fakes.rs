//! Fake integrations for tests: a fixed fee, scripted bank rails, customers in memory.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::integrations::{
    CustomerCallback, CustomerInfo, CustomerIntegration, CustomerRequest, CustomerStatus,
    DeleteCustomer, ExternalDepositUpdate, FeeIntegration, FeeParams, FlowReturn, IntegrationError,
    InteractiveIntegration, InteractiveRequest, OutgoingOutcome, PutCustomer, RailsIntegration,
    Sep9Fields, TransactionRequest, TransactionsRequest,
};
use crate::model::Transaction;

/// A fee function charging `fee` whatever is asked, except that it is unavailable (a 503)
/// for the amount given to [`FixedFee::unavailable_at`].
#[derive(Debug, Clone, Copy)]
pub struct FixedFee {
    fee: Decimal,
    unavailable_at: Option<Decimal>,
}

impl FixedFee {
    /// Always `fee`.
    pub fn new(fee: Decimal) -> Self {
        Self {
            fee,
            unavailable_at: None,
        }
    }

    /// The same fee, but "fee service down" for `amount`.
    pub fn unavailable_at(mut self, amount: Decimal) -> Self {
        self.unavailable_at = Some(amount);
        self
    }
}

#[async_trait]
impl FeeIntegration for FixedFee {
    async fn calculate_fee(&self, params: &FeeParams<'_>) -> Result<Decimal, IntegrationError> {
        match self.unavailable_at == Some(params.amount) {
            true => Err(IntegrationError::unavailable("fee service down")),
            false => Ok(self.fee),
        }
    }
}

/// What [`FakeRails::poll_pending_deposits`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrivals {
    /// No deposit has arrived.
    None,
    /// Every pending deposit arrived for its `amount_expected`, with a bank reference
    /// `bank-<id>` as `external_transaction_id`.
    Expected,
    /// Every pending deposit arrived as stored (for the `amount_in` the form agreed on).
    AsStored,
}

/// Bank rails for the process tests: deposits arrive as [`Arrivals`] says; payouts answer
/// one outcome after a delay, are counted and recorded, and fail while the bank is down;
/// deposits in `pending_external` report what the test scripted.
#[derive(Debug)]
pub struct FakeRails {
    arrivals: Arrivals,
    payout: Mutex<OutgoingOutcome>,
    external: Mutex<Vec<ExternalDepositUpdate>>,
    delay: Duration,
    complete_polled: bool,
    down: AtomicBool,
    calls: AtomicUsize,
    executed: Mutex<Vec<uuid::Uuid>>,
}

impl Default for FakeRails {
    fn default() -> Self {
        Self::new(Arrivals::None)
    }
}

impl FakeRails {
    /// Rails whose deposits arrive as `arrivals` says; payouts complete at once.
    pub fn new(arrivals: Arrivals) -> Self {
        Self {
            arrivals,
            payout: Mutex::new(OutgoingOutcome::Completed),
            external: Mutex::new(Vec::new()),
            delay: Duration::ZERO,
            complete_polled: false,
            down: AtomicBool::new(false),
            calls: AtomicUsize::new(0),
            executed: Mutex::new(Vec::new()),
        }
    }

    /// Payouts answer `outcome`.
    pub fn with_payout(self, outcome: OutgoingOutcome) -> Self {
        self.set_payout(outcome);
        self
    }

    /// From now on, payouts answer `outcome`.
    pub fn set_payout(&self, outcome: OutgoingOutcome) {
        if let Ok(mut payout) = self.payout.lock() {
            *payout = outcome;
        }
    }

    /// The next [`RailsIntegration::poll_external_deposits`] that is asked about the
    /// deposit reports `update` (once).
    pub fn report_external(&self, update: ExternalDepositUpdate) {
        if let Ok(mut external) = self.external.lock() {
            external.push(update);
        }
    }

    /// Each payout takes `delay`.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Payouts pending at the bank complete when polled.
    pub fn completing_polled(mut self) -> Self {
        self.complete_polled = true;
        self
    }

    /// While `down`, payouts fail with "bank down" (nothing sent).
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// How many payouts were asked for, failed ones included.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// The withdrawals paid out (started), in order.
    pub fn executed(&self) -> Vec<uuid::Uuid> {
        self.executed.lock().map(|e| e.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl RailsIntegration for FakeRails {
    async fn poll_pending_deposits(
        &self,
        request: &TransactionsRequest<'_>,
    ) -> Result<Vec<Transaction>, IntegrationError> {
        let pending = request.transactions;
        Ok(match self.arrivals {
            Arrivals::None => Vec::new(),
            Arrivals::AsStored => pending.to_vec(),
            Arrivals::Expected => pending.iter().map(arrived_as_expected).collect(),
        })
    }

    async fn execute_outgoing_transaction(
        &self,
        request: &TransactionRequest<'_>,
    ) -> Result<OutgoingOutcome, IntegrationError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.down.load(Ordering::SeqCst) {
            return Err(IntegrationError::unavailable("bank down"));
        }
        tokio::time::sleep(self.delay).await;
        if let Ok(mut executed) = self.executed.lock() {
            executed.push(request.transaction.id);
        }
        let payout = self.payout.lock().map(|p| p.clone());
        payout.map_err(|_| IntegrationError::unavailable("bank state poisoned"))
    }

    async fn poll_external_deposits(
        &self,
        request: &TransactionsRequest<'_>,
    ) -> Result<Vec<ExternalDepositUpdate>, IntegrationError> {
        let Ok(mut scripted) = self.external.lock() else {
            return Ok(Vec::new());
        };
        let asked = |u: &ExternalDepositUpdate| request.transactions.iter().any(|t| t.id == u.id);
        let (due, later): (Vec<_>, Vec<_>) = scripted.drain(..).partition(asked);
        *scripted = later;
        Ok(due)
    }

    async fn poll_outgoing_transactions(
        &self,
        request: &TransactionsRequest<'_>,
    ) -> Result<Vec<uuid::Uuid>, IntegrationError> {
        Ok(match self.complete_polled {
            true => request.transactions.iter().map(|t| t.id).collect(),
            false => Vec::new(),
        })
    }
}

fn arrived_as_expected(t: &Transaction) -> Transaction {
    let mut t = t.clone();
    t.amount_in = t.amount_expected;
    t.external_transaction_id = Some(format!("bank-{}", t.id));
    t
}

/// SEP-12 customers in memory, filed under `request.user()` (or, to reproduce the mistake
/// the docs warn about, under the bare `G...` account). A customer is `ACCEPTED` once it
/// gave every required field; one whose `last_name` is `Refused` is refused.
#[derive(Debug)]
pub struct MemoryCustomers {
    by_account: bool,
    accepts_callbacks: bool,
    required: Vec<(&'static str, &'static str)>,
    customers: Mutex<HashMap<String, (String, Sep9Fields)>>,
}

impl Default for MemoryCustomers {
    fn default() -> Self {
        Self::new(&[("first_name", "given name"), ("last_name", "family name")])
    }
}

impl MemoryCustomers {
    /// Customers who must give the `required` fields (SEP-9 name, description).
    pub fn new(required: &[(&'static str, &'static str)]) -> Self {
        Self {
            by_account: false,
            accepts_callbacks: false,
            required: required.to_vec(),
            customers: Mutex::new(HashMap::new()),
        }
    }

    /// Files customers under the bare `G...` account, the mistake that mixes up users of
    /// one account.
    pub fn by_account(mut self) -> Self {
        self.by_account = true;
        self
    }

    /// Accepts `PUT /customer/callback` (Polaris keeps the URL and sends the callbacks);
    /// by default the integration refuses it.
    pub fn accepting_callbacks(mut self) -> Self {
        self.accepts_callbacks = true;
        self
    }

    /// The key a request's customer is filed under.
    pub fn key(&self, request: &CustomerRequest<'_>) -> String {
        match self.by_account {
            true => request.account.to_string(),
            false => request.user(),
        }
    }

    /// The fields customer `id` gave (empty when unknown).
    pub fn fields_of(&self, id: &str) -> Sep9Fields {
        self.lock()
            .get(id)
            .map(|(_, f)| f.clone())
            .unwrap_or_default()
    }

    /// Whether no customer is stored.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Whether the customer filed under `key` gave every required field.
    pub fn is_complete(&self, key: &str) -> bool {
        self.lock()
            .values()
            .any(|(k, f)| k == key && self.required.iter().all(|(n, _)| f.contains_key(*n)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (String, Sep9Fields)>> {
        self.customers.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn info(&self, given: Option<&Sep9Fields>) -> CustomerInfo {
        let mut provided = Map::new();
        for name in given.into_iter().flat_map(|f| f.keys()) {
            let status =
                json!({ "type": "string", "description": "provided", "status": "ACCEPTED" });
            provided.insert(name.clone(), status);
        }
        let fields: Map<String, Value> = self
            .required
            .iter()
            .filter(|(n, _)| !provided.contains_key(*n))
            .map(|(n, d)| (n.to_string(), json!({ "type": "string", "description": d })))
            .collect();
        let status = match fields.is_empty() {
            true => CustomerStatus::Accepted,
            false => CustomerStatus::NeedsInfo,
        };
        CustomerInfo {
            status,
            fields,
            provided_fields: provided,
            message: None,
        }
    }
}

#[async_trait]
impl CustomerIntegration for MemoryCustomers {
    async fn get(&self, request: &CustomerRequest<'_>) -> Result<CustomerInfo, IntegrationError> {
        let key = self.key(request);
        let all = self.lock();
        let found = all.values().find(|(k, _)| *k == key).map(|(_, f)| f);
        Ok(self.info(found))
    }

    async fn put(&self, request: &PutCustomer<'_>) -> Result<String, IntegrationError> {
        let data = request.data;
        if data.fields.get("last_name").is_some_and(|n| n == "Refused") {
            return Err(IntegrationError::rejected("we cannot serve this customer"));
        }
        let mut fields = data.fields.clone();
        for (name, bytes) in &data.files {
            fields.insert(name.clone(), format!("{} bytes", bytes.len()));
        }
        let key = self.key(&request.customer);
        let mut all = self.lock();
        let id = all
            .iter()
            .find(|(_, (k, _))| *k == key)
            .map(|(id, _)| id.clone())
            .or_else(|| request.customer.id.map(str::to_string))
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let entry = all.entry(id.clone()).or_insert((key, Sep9Fields::new()));
        entry.1.extend(fields);
        Ok(id)
    }

    async fn set_callback(&self, _request: &CustomerCallback<'_>) -> Result<(), IntegrationError> {
        match self.accepts_callbacks {
            true => Ok(()),
            false => Err(IntegrationError::rejected(
                "this anchor does not send customer callbacks",
            )),
        }
    }

    async fn delete(&self, request: &DeleteCustomer<'_>) -> Result<(), IntegrationError> {
        self.lock().remove(request.id);
        Ok(())
    }
}

/// An external interactive app at `https://kyc.example.com/start?tx=<id>` whose records say
/// the user finished (`done`) or not; when done, it agreed on `amount` if one is given.
#[derive(Debug, Clone, Copy)]
pub struct ExternalApp {
    /// Whether the user finished the app's steps.
    pub done: bool,
    /// The amount the app agreed on (`amount_in` and `amount_expected`).
    pub amount: Option<Decimal>,
}

#[async_trait]
impl InteractiveIntegration for ExternalApp {
    async fn interactive_url(
        &self,
        request: &InteractiveRequest<'_>,
    ) -> Result<Option<String>, IntegrationError> {
        let id = request.transaction.id;
        Ok(Some(format!("https://kyc.example.com/start?tx={id}")))
    }

    async fn after_interactive_flow(
        &self,
        request: &mut FlowReturn<'_>,
    ) -> Result<bool, IntegrationError> {
        if let (true, Some(amount)) = (self.done, self.amount) {
            request.transaction.amount_in = Some(amount);
            request.transaction.amount_expected = Some(amount);
        }
        Ok(self.done)
    }
}
