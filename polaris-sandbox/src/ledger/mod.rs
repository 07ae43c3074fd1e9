//! The in-memory Stellar ledger: pure logic, no HTTP.
//!
//! It models accounts, XLM and credit balances, trustlines (limits, authorization), sequence
//! numbers, signers and thresholds, the base reserve and fee, payments, create_account,
//! change_trust, manage_data, set_options, set_trust_line_flags, bump_sequence, claimable
//! balances, same-asset path payments and fee bumps, with Horizon's result codes. At the
//! instant pace every accepted envelope closes a ledger of its own; at the realistic pace
//! envelopes wait in a [`queue::TxQueue`] until the next close. It does not model order books, liquidity
//! pools, Soroban, account merges or sponsorship beyond claimable balances.

mod apply;
mod codes;
mod describe;
pub(crate) mod history;
mod persist;
pub(crate) mod queue;
pub(crate) mod render;
mod signatures;
mod state;
mod submit;
mod transfer;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

pub(crate) use history::{Cursor, History, OpRecord, Query, TxRecord};
pub(crate) use queue::{Admission, QueueLimits};
pub(crate) use state::{AccountEntry, LedgerHeader, LedgerState};
pub(crate) use submit::SubmitError;

/// A recorded transaction as a submission's outcome: `Ok` when its operations applied,
/// [`SubmitError::Failed`] with the record when it was included but failed.
pub(crate) fn submit_outcome(record: TxRecord) -> Result<TxRecord, SubmitError> {
    submit::outcome(record)
}

use polaris_core::stellar::tx::{Op, TransactionBuilder};
use polaris_core::stellar::{encode_xdr, network_id, KeyPair, TESTNET_PASSPHRASE};

/// How the sandbox network is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerConfig {
    /// Network passphrase; default: testnet's, so wallets configured for testnet sign for it.
    pub passphrase: String,
    /// Base fee per operation in stroops; default 100.
    pub base_fee: i64,
    /// Base reserve in stroops; default 0.5 XLM.
    pub base_reserve: i64,
    /// What friendbot gives a new account, in stroops; default 10,000 XLM.
    pub friendbot_amount: i64,
    /// The transaction queue's limits (realistic pace only).
    pub queue: QueueLimits,
}

impl Default for LedgerConfig {
    fn default() -> Self {
        Self {
            passphrase: TESTNET_PASSPHRASE.to_string(),
            base_fee: 100,
            base_reserve: 5_000_000,
            friendbot_amount: 10_000 * 10_000_000,
            queue: QueueLimits {
                per_account: 1,
                max_ops_per_ledger: 1000,
            },
        }
    }
}

/// The sandbox ledger with its history.
#[derive(Debug, Clone)]
pub struct Sandbox {
    state: LedgerState,
    history: History,
    friendbot_amount: i64,
    file: Option<PathBuf>,
    queue: queue::TxQueue,
    limits: QueueLimits,
}

/// The root account's key: like a real network's, its seed is the network id.
pub fn root_key(passphrase: &str) -> KeyPair {
    KeyPair::from_bytes(network_id(passphrase))
}

impl Sandbox {
    /// A fresh network whose root account holds every lumen.
    pub fn new(config: LedgerConfig) -> Self {
        let root = root_key(&config.passphrase);
        let mut root_entry = AccountEntry::new(root.public_key(), state::TOTAL_COINS, 1, 0);
        root_entry.seq = 0;
        let genesis = LedgerHeader {
            seq: 1,
            hash: hex::encode(network_id(&config.passphrase)),
            prev_hash: String::new(),
            closed_at: chrono::Utc::now().timestamp(),
            successful_transaction_count: 0,
            failed_transaction_count: 0,
            operation_count: 0,
            tx_set_operation_count: 0,
            fee_pool: 0,
        };
        let state = LedgerState {
            passphrase: config.passphrase,
            base_fee: config.base_fee,
            base_reserve: config.base_reserve,
            accounts: BTreeMap::from([(root.public_key().to_string(), root_entry)]),
            claimable_balances: BTreeMap::new(),
            ledgers: vec![genesis],
        };
        Self {
            state,
            history: History::default(),
            friendbot_amount: config.friendbot_amount,
            file: None,
            queue: queue::TxQueue::default(),
            limits: config.queue,
        }
    }

    /// Opens the network saved in `file`, or starts a fresh one there; every accepted
    /// transaction is then saved to it.
    pub fn open(config: LedgerConfig, file: &Path) -> io::Result<Self> {
        let amount = config.friendbot_amount;
        let mut sandbox = match persist::load(file)? {
            Some(snap) if snap.state.passphrase == config.passphrase => Self {
                state: snap.state,
                history: snap.history,
                friendbot_amount: amount,
                file: None,
                queue: queue::TxQueue::default(),
                limits: config.queue,
            },
            Some(snap) => {
                let msg = format!(
                    "{} holds a network with passphrase '{}', not '{}'",
                    file.display(),
                    snap.state.passphrase,
                    config.passphrase
                );
                return Err(io::Error::new(io::ErrorKind::InvalidData, msg));
            }
            None => Self::new(config),
        };
        sandbox.file = Some(file.to_path_buf());
        sandbox.save()?;
        Ok(sandbox)
    }

    /// Writes the state file, if there is one.
    pub fn save(&self) -> io::Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let snap = persist::Snapshot {
            version: persist::VERSION,
            state: self.state.clone(),
            history: self.history.clone(),
        };
        persist::save(file, &snap)
    }

    /// Submits a base64 envelope at time `now` (unix seconds).
    ///
    /// A failing operation still includes the transaction (fee charged, sequence consumed):
    /// the error then carries the record.
    pub fn submit(&mut self, envelope_b64: &str, now: i64) -> Result<TxRecord, SubmitError> {
        let out = submit::submit(&mut self.state, &mut self.history, envelope_b64, now);
        let included = matches!(
            &out,
            Ok(_)
                | Err(SubmitError::Failed {
                    record: Some(_),
                    ..
                })
        );
        if included {
            if let Err(e) = self.save() {
                tracing::error!(error = %e, "cannot save the sandbox state");
            }
        }
        out
    }

    /// Creates `account` (`G...`) funded by the root account, as friendbot does.
    pub fn friendbot(&mut self, account: &str, now: i64) -> Result<TxRecord, SubmitError> {
        let env = self.friendbot_envelope(account)?;
        self.submit(&env, now)
    }

    /// Queues the creation of `account` by the root account (realistic pace). Friendbot is
    /// not held to the per-account limit: the real one spreads its work over many accounts.
    pub fn friendbot_queued(&mut self, account: &str, now: i64) -> Admission {
        match self.friendbot_envelope(account) {
            Ok(env) => {
                let limits = QueueLimits {
                    per_account: usize::MAX,
                    ..self.limits
                };
                queue::admit(&self.state, &mut self.queue, &env, now, limits)
            }
            Err(e) => Admission::Malformed(format!("{e:?}")),
        }
    }

    fn friendbot_envelope(&self, account: &str) -> Result<String, SubmitError> {
        let root = root_key(&self.state.passphrase);
        let queued = self.queue.queued_by(root.public_key()) as i64;
        let seq = self
            .state
            .accounts
            .get(root.public_key())
            .map_or(0, |a| a.seq)
            + 1
            + queued;
        let built = TransactionBuilder::new(root.public_key(), seq, self.state.base_fee as u32)
            .and_then(|b| Ok(b.op(Op::create_account(account, self.friendbot_amount)?)))
            .map_err(|e| SubmitError::Malformed(e.to_string()))?;
        let env = built
            .sign(&[&root], &self.state.passphrase)
            .map_err(|e| SubmitError::Malformed(e.to_string()))?;
        Ok(encode_xdr(&env))
    }

    /// Admits a base64 envelope to the queue at time `now` (realistic pace), as stellar-core
    /// does.
    pub fn admit(&mut self, envelope_b64: &str, now: i64) -> Admission {
        queue::admit(&self.state, &mut self.queue, envelope_b64, now, self.limits)
    }

    /// Closes a ledger at `now` with what the queue offers (realistic pace); saves the state
    /// file when it holds transactions.
    pub fn close_ledger(&mut self, now: i64) -> Vec<TxRecord> {
        let records = queue::close(
            &mut self.state,
            &mut self.history,
            &mut self.queue,
            now,
            self.limits,
        );
        if !records.is_empty() {
            if let Err(e) = self.save() {
                tracing::error!(error = %e, "cannot save the sandbox state");
            }
        }
        records
    }

    /// The hash Horizon knows `envelope_b64` by, when it can be read.
    pub fn hash_of(&self, envelope_b64: &str) -> Option<String> {
        submit::parse_b64(envelope_b64, &self.state.passphrase)
            .ok()
            .map(|p| p.hash_hex())
    }

    /// Transactions waiting in the queue.
    pub fn queued(&self) -> usize {
        self.queue.waiting()
    }

    /// The queue's limits.
    pub fn limits(&self) -> QueueLimits {
        self.limits
    }

    /// The network passphrase.
    pub fn passphrase(&self) -> &str {
        &self.state.passphrase
    }

    /// The ledger state.
    pub fn state(&self) -> &LedgerState {
        &self.state
    }

    /// The recorded history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// An account.
    pub fn account(&self, id: &str) -> Option<&AccountEntry> {
        self.state.accounts.get(id)
    }

    /// The last closed ledger.
    pub fn latest_ledger(&self) -> &LedgerHeader {
        self.state.latest()
    }

    /// The paging token of the newest transaction or operation (what `cursor=now` means).
    pub fn latest_token(&self) -> i64 {
        history::toid(self.state.latest().seq + 1, 0, 0) - 1
    }
}

#[cfg(test)]
mod tests;
