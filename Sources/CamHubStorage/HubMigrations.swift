import GRDB

/// Versioned schema changes, applied in order at start. Never edit a shipped migration; add one.
enum HubMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-cameras") { db in
            try db.execute(sql: """
                CREATE TABLE cameras (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    location TEXT NOT NULL DEFAULT '',
                    kind TEXT NOT NULL,
                    source TEXT NOT NULL,
                    state TEXT NOT NULL,
                    capabilities TEXT NOT NULL DEFAULT '[]',
                    metadata TEXT NOT NULL DEFAULT '{}',
                    created_at REAL NOT NULL,
                    last_seen_at REAL
                )
                """)
        }
        return migrator
    }
}
