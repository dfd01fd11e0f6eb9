import HTTPTypes

/// Header names camhub reads or writes beyond the standard ones.
extension HTTPField.Name {
    /// When a frame entered the hub, `seconds.micros`, as mjpg-streamer sends it.
    static let xTimestamp = HTTPField.Name("X-Timestamp")!
    static let xFrameSequence = HTTPField.Name("X-Frame-Sequence")!
    /// A camera's API key, as an alternative to `Authorization: Bearer`.
    static let xAPIKey = HTTPField.Name("X-API-Key")!
    /// The enrollment token for `POST /register` when `registration.token` is set.
    static let xRegistrationToken = HTTPField.Name("X-Registration-Token")!
    /// Set by browsers: `same-origin`, `same-site`, `cross-site` or `none`.
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    /// Asks a proxy such as nginx not to buffer an event stream.
    static let xAccelBuffering = HTTPField.Name("X-Accel-Buffering")!
    /// Another hub of the site, proving the node secret (`NodeSecret`).
    static let camhubNode = HTTPField.Name("X-CamHub-Node")!
}
