import GRDB

/// Versioned schema changes, applied in order at start. Never edit a shipped migration; add one.
enum SQLiteMigrations {
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
        migrator.registerMigration("v2-registration-and-commands") { db in
            try db.execute(sql: """
                ALTER TABLE cameras ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
                ALTER TABLE cameras ADD COLUMN reported_frame_count INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE cameras ADD COLUMN last_error TEXT;
                ALTER TABLE cameras ADD COLUMN key_hash TEXT;
                ALTER TABLE cameras ADD COLUMN sealed_credentials TEXT;
                CREATE TABLE commands (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
                    type TEXT NOT NULL,
                    value TEXT NOT NULL,
                    reason TEXT,
                    state TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    delivered_at REAL
                );
                CREATE INDEX commands_by_camera_state ON commands(camera_id, state, id);
                """)
        }
        migrator.registerMigration("v3-analysis-results") { db in
            try db.execute(sql: """
                CREATE TABLE analysis_results (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    camera_id TEXT NOT NULL,
                    task TEXT NOT NULL,
                    question TEXT,
                    text TEXT NOT NULL,
                    latency REAL NOT NULL,
                    tokens_per_second REAL,
                    model TEXT NOT NULL,
                    frame_time REAL NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE INDEX analysis_results_by_camera ON analysis_results(camera_id, id);
                """)
        }
        migrator.registerMigration("v4-lpr-records") { db in
            try db.execute(sql: """
                CREATE TABLE detections (
                    id TEXT PRIMARY KEY NOT NULL,
                    camera_id TEXT NOT NULL,
                    checkpoint_id TEXT NOT NULL,
                    timestamp TEXT NOT NULL,
                    received_at REAL NOT NULL,
                    vehicles_count INTEGER NOT NULL,
                    plates_count INTEGER NOT NULL,
                    plates TEXT NOT NULL,
                    processing_time_ms REAL,
                    details TEXT NOT NULL,
                    annotated_image TEXT,
                    cropped_plates TEXT NOT NULL
                );
                CREATE INDEX detections_by_time ON detections(received_at);
                CREATE INDEX detections_by_camera ON detections(camera_id, received_at);
                CREATE INDEX detections_by_checkpoint ON detections(checkpoint_id, received_at);
                CREATE TABLE detection_plates (
                    detection_id TEXT NOT NULL REFERENCES detections(id) ON DELETE CASCADE,
                    plate TEXT NOT NULL COLLATE NOCASE,
                    received_at REAL NOT NULL
                );
                CREATE INDEX detection_plates_by_plate ON detection_plates(plate, received_at);
                CREATE INDEX detection_plates_by_detection ON detection_plates(detection_id);
                CREATE TABLE health_reports (
                    id TEXT PRIMARY KEY NOT NULL,
                    camera_id TEXT NOT NULL,
                    checkpoint_id TEXT NOT NULL,
                    timestamp TEXT NOT NULL,
                    received_at REAL NOT NULL,
                    component TEXT NOT NULL,
                    status TEXT NOT NULL,
                    message TEXT NOT NULL,
                    details TEXT NOT NULL
                );
                CREATE INDEX health_reports_by_camera ON health_reports(camera_id, received_at);
                """)
        }
        migrator.registerMigration("v5-web-sessions") { db in
            try db.execute(sql: "CREATE TABLE web_sessions (hash TEXT PRIMARY KEY NOT NULL, expires_at REAL NOT NULL)")
        }
        migrator.registerMigration("v6-events") { db in
            try db.execute(sql: """
                CREATE TABLE events (
                    id TEXT PRIMARY KEY NOT NULL,
                    camera_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    start REAL NOT NULL,
                    "end" REAL,
                    zones TEXT NOT NULL,
                    boxes TEXT NOT NULL,
                    peak_area REAL NOT NULL,
                    caption TEXT,
                    snapshot TEXT,
                    clip TEXT,
                    unfinished INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX events_by_start ON events(start);
                CREATE INDEX events_by_camera ON events(camera_id, start);
                """)
        }
        migrator.registerMigration("v7-webhook-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE webhook_deliveries (
                    id TEXT PRIMARY KEY NOT NULL,
                    url TEXT NOT NULL,
                    type TEXT NOT NULL,
                    body TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    last_status INTEGER,
                    last_error TEXT,
                    delivered_at REAL
                );
                CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at);
                CREATE INDEX webhook_deliveries_by_created ON webhook_deliveries(created_at);
                """)
        }
        return migrator
    }
}
