import ArgumentParser

@main
struct CamHubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "camhub",
        abstract: "One hub for every camera on a site.",
        subcommands: [ServeCommand.self, AgentCommand.self, PushTokenCommand.self, AdminTokenCommand.self, DevicesCommand.self, DatabaseCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
