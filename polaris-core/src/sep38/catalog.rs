//! The assets SEP-38 trades: every stored Stellar asset, and the anchor's off-chain ones.

use serde_json::{json, Value};

use crate::auth::Subject;
use crate::context::Context;
use crate::error::ApiError;
use crate::integrations::{AssetsRequest, DeliveryMethod, OffchainAsset, QuoteIntegration};
use crate::model::{Asset, AssetId};

/// The anchor's quote integration, or a 503 telling the wallet quotes are not offered.
pub(crate) fn integration(ctx: &Context) -> Result<&dyn QuoteIntegration, ApiError> {
    ctx.integrations
        .quote
        .as_deref()
        .ok_or_else(|| ApiError::unavailable("quotes are not configured on this anchor"))
}

/// The assets offered to one client.
#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    onchain: Vec<(AssetId, Asset)>,
    offchain: Vec<(AssetId, OffchainAsset)>,
}

impl Catalog {
    /// The stored assets and the integration's off-chain assets for `client`. An off-chain
    /// asset whose code is not ISO 4217 is a fault of the integration.
    pub(crate) async fn load(
        ctx: &Context,
        quotes: &dyn QuoteIntegration,
        client: Option<&Subject>,
    ) -> Result<Self, ApiError> {
        let stored = ctx.store.assets().await?;
        let onchain = stored
            .iter()
            .map(|a| (AssetId::of_asset(a), a.clone()))
            .collect();
        let offchain = quotes
            .offchain_assets(&AssetsRequest::new(client))
            .await?
            .into_iter()
            .map(|a| match AssetId::fiat(&a.currency) {
                Some(id) => Ok((id, a)),
                None => Err(ApiError::internal(format!(
                    "the quote integration offers '{}', which is not an ISO 4217 code",
                    a.currency
                ))),
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { onchain, offchain })
    }

    /// Every asset offered with the decimal places of its amounts.
    pub(crate) fn ids(&self) -> impl Iterator<Item = (&AssetId, u32)> {
        let onchain = self
            .onchain
            .iter()
            .map(|(id, a)| (id, a.significant_decimals));
        let offchain = self.offchain.iter().map(|(id, a)| (id, a.decimals));
        onchain.chain(offchain)
    }

    /// The decimal places of `id`'s amounts, when it is offered.
    pub(crate) fn decimals(&self, id: &AssetId) -> Option<u32> {
        self.ids().find(|(i, _)| *i == id).map(|(_, d)| d)
    }

    /// The off-chain asset `id`, when it is one of those offered.
    pub(crate) fn offchain(&self, id: &AssetId) -> Option<&OffchainAsset> {
        self.offchain.iter().find(|(i, _)| i == id).map(|(_, a)| a)
    }

    /// The `GET /info` answer.
    pub(crate) fn info_json(&self) -> Value {
        let onchain = self
            .onchain
            .iter()
            .map(|(id, _)| json!({ "asset": id.to_string() }));
        let offchain = self.offchain.iter().map(|(id, a)| offchain_json(id, a));
        json!({ "assets": onchain.chain(offchain).collect::<Vec<_>>() })
    }
}

fn methods_json(methods: &[DeliveryMethod]) -> Value {
    methods
        .iter()
        .map(|m| json!({ "name": m.name, "description": m.description }))
        .collect()
}

fn offchain_json(id: &AssetId, a: &OffchainAsset) -> Value {
    let mut v = json!({ "asset": id.to_string() });
    if !a.country_codes.is_empty() {
        v["country_codes"] = json!(a.country_codes);
    }
    if !a.sell_delivery_methods.is_empty() {
        v["sell_delivery_methods"] = methods_json(&a.sell_delivery_methods);
    }
    if !a.buy_delivery_methods.is_empty() {
        v["buy_delivery_methods"] = methods_json(&a.buy_delivery_methods);
    }
    v
}
