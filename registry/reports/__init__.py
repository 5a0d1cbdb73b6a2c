"""Records reported by lower platforms (下级平台上报数据): this instance as another district's higher
platform. Each lower platform is a source with its own token; a record is kept once per key."""
