/// Storefront (Shopify-style) and marketplace (Amazon SP-API-style) simulators.
public enum SimulatorsInfo {}
