/// The version of this build, as the cluster list and the OpenAPI document show it.
public enum CamHubVersion {
    public static let current = "0.1.0"
}
