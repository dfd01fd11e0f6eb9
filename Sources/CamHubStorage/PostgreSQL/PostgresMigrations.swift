import Logging
import PostgresNIO

/// Versioned schema changes for PostgreSQL, applied in order at start. Never edit a shipped
/// migration; add one.
///
/// Every hub that starts runs `migrate`: in one transaction, under an advisory lock, so hubs that
/// start at the same moment wait for each other, the first applies what is missing, and the
/// others find nothing left to do.
enum PostgresMigrations {
    /// A constant of camhub's own, so the lock is nobody else's.
    static let lockKey: Int64 = 0x63616D687562 // "camhub"

    static let all: [(name: String, sql: [String])] = [
        ("v1-schema", [
            """
            CREATE TABLE cameras (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                location TEXT NOT NULL DEFAULT '',
                kind TEXT NOT NULL,
                source TEXT NOT NULL,
                state TEXT NOT NULL,
                capabilities TEXT NOT NULL DEFAULT '[]',
                metadata TEXT NOT NULL DEFAULT '{}',
                created_at DOUBLE PRECISION NOT NULL,
                last_seen_at DOUBLE PRECISION,
                settings TEXT NOT NULL DEFAULT '{}',
                reported_frame_count BIGINT NOT NULL DEFAULT 0,
                last_error TEXT,
                key_hash TEXT,
                sealed_credentials TEXT
            )
            """,
            """
            CREATE TABLE commands (
                id BIGSERIAL PRIMARY KEY,
                camera_id TEXT NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
                type TEXT NOT NULL,
                value TEXT NOT NULL,
                reason TEXT,
                state TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                delivered_at DOUBLE PRECISION
            )
            """,
            "CREATE INDEX commands_by_camera_state ON commands (camera_id, state, id)",
            """
            CREATE TABLE analysis_results (
                id BIGSERIAL PRIMARY KEY,
                camera_id TEXT NOT NULL,
                task TEXT NOT NULL,
                question TEXT,
                text TEXT NOT NULL,
                latency DOUBLE PRECISION NOT NULL,
                tokens_per_second DOUBLE PRECISION,
                model TEXT NOT NULL,
                frame_time DOUBLE PRECISION NOT NULL,
                created_at DOUBLE PRECISION NOT NULL
            )
            """,
            "CREATE INDEX analysis_results_by_camera ON analysis_results (camera_id, id)",
            """
            CREATE TABLE detections (
                seq BIGSERIAL UNIQUE,
                id TEXT PRIMARY KEY,
                camera_id TEXT NOT NULL,
                checkpoint_id TEXT NOT NULL,
                timestamp TEXT NOT NULL,
                received_at DOUBLE PRECISION NOT NULL,
                vehicles_count INTEGER NOT NULL,
                plates_count INTEGER NOT NULL,
                plates TEXT NOT NULL,
                processing_time_ms DOUBLE PRECISION,
                details TEXT NOT NULL,
                annotated_image TEXT,
                cropped_plates TEXT NOT NULL
            )
            """,
            "CREATE INDEX detections_by_time ON detections (received_at, seq)",
            "CREATE INDEX detections_by_camera ON detections (camera_id, received_at)",
            "CREATE INDEX detections_by_checkpoint ON detections (checkpoint_id, received_at)",
            """
            CREATE TABLE detection_plates (
                detection_id TEXT NOT NULL REFERENCES detections(id) ON DELETE CASCADE,
                plate TEXT NOT NULL,
                received_at DOUBLE PRECISION NOT NULL
            )
            """,
            // Plates are looked up without regard to case, as SQLite's NOCASE column does.
            "CREATE INDEX detection_plates_by_plate ON detection_plates (lower(plate), received_at)",
            "CREATE INDEX detection_plates_by_detection ON detection_plates (detection_id)",
            """
            CREATE TABLE health_reports (
                seq BIGSERIAL UNIQUE,
                id TEXT PRIMARY KEY,
                camera_id TEXT NOT NULL,
                checkpoint_id TEXT NOT NULL,
                timestamp TEXT NOT NULL,
                received_at DOUBLE PRECISION NOT NULL,
                component TEXT NOT NULL,
                status TEXT NOT NULL,
                message TEXT NOT NULL,
                details TEXT NOT NULL
            )
            """,
            "CREATE INDEX health_reports_by_camera ON health_reports (camera_id, received_at)",
        ]),
        ("v2-blobs", [
            "CREATE TABLE blobs (name TEXT PRIMARY KEY, bytes BYTEA NOT NULL, created_at DOUBLE PRECISION NOT NULL)",
        ]),
        ("v3-shared-secrets", [
            "CREATE TABLE hub_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        ]),
        // Every change to a camera gets a new version from one sequence and tells every listening
        // hub (`PostgresNotices`), so hubs can cache the registry; a delete takes a version too.
        // Triggers do both, so a change made outside camhub (psql, a script) is heard as well.
        // The `seq` columns need no unique index of their own (a sequence gives them), and every
        // index costs each stored record.
        ("v4-camera-versions", [
            "CREATE SEQUENCE camera_versions",
            "ALTER TABLE cameras ADD COLUMN version BIGINT NOT NULL DEFAULT 0",
            """
            CREATE FUNCTION camera_versioned() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.version := nextval(quote_ident(TG_TABLE_SCHEMA) || '.camera_versions');
                RETURN NEW;
            END
            $$
            """,
            "CREATE TRIGGER cameras_versioned BEFORE INSERT OR UPDATE ON cameras FOR EACH ROW EXECUTE FUNCTION camera_versioned()",
            """
            CREATE FUNCTION camera_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    PERFORM pg_notify('camhub.' || TG_TABLE_SCHEMA,
                        'camera ' || nextval(quote_ident(TG_TABLE_SCHEMA) || '.camera_versions') || ' ' || OLD.id);
                ELSE
                    PERFORM pg_notify('camhub.' || TG_TABLE_SCHEMA, 'camera ' || NEW.version || ' ' || NEW.id);
                END IF;
                RETURN NULL;
            END
            $$
            """,
            "CREATE TRIGGER cameras_changed AFTER INSERT OR UPDATE OR DELETE ON cameras FOR EACH ROW EXECUTE FUNCTION camera_changed()",
            "ALTER TABLE detections DROP CONSTRAINT detections_seq_key",
            "ALTER TABLE health_reports DROP CONSTRAINT health_reports_seq_key",
        ]),
        // The hubs of the site and who captures which camera; times are the database's own.
        ("v5-cluster", [
            """
            CREATE TABLE cluster_nodes (
                id TEXT PRIMARY KEY,
                address TEXT NOT NULL,
                version TEXT NOT NULL,
                started_at DOUBLE PRECISION NOT NULL,
                last_seen TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE camera_leases (
                camera_id TEXT PRIMARY KEY,
                node_id TEXT NOT NULL,
                expires_at TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE INDEX camera_leases_by_node ON camera_leases (node_id)",
        ]),
        ("v6-web-sessions", [
            "CREATE TABLE web_sessions (hash TEXT PRIMARY KEY, expires_at TIMESTAMPTZ NOT NULL)",
        ]),
        // What each hub reports with its heartbeat (its cameras' liveness, its Socket.IO clients), so
        // every hub answers the same status and counts.
        ("v7-heartbeat-reports", [
            "ALTER TABLE camera_leases ADD COLUMN last_frame_at TIMESTAMPTZ, ADD COLUMN fps DOUBLE PRECISION NOT NULL DEFAULT 0",
            "ALTER TABLE cluster_nodes ADD COLUMN socket_sessions INTEGER NOT NULL DEFAULT 0",
        ]),
        ("v8-events", [
            """
            CREATE TABLE events (
                id TEXT PRIMARY KEY,
                camera_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                start DOUBLE PRECISION NOT NULL,
                "end" DOUBLE PRECISION,
                zones JSONB NOT NULL,
                boxes JSONB NOT NULL,
                peak_area DOUBLE PRECISION NOT NULL,
                caption TEXT,
                snapshot TEXT,
                clip TEXT,
                unfinished BOOLEAN NOT NULL DEFAULT false
            )
            """,
            "CREATE INDEX events_by_start ON events (start)",
            "CREATE INDEX events_by_camera ON events (camera_id, start)",
        ]),
        // The webhook outbox: every hub of the site delivers from it, each delivery taken by one.
        ("v9-webhook-outbox", [
            """
            CREATE TABLE webhook_deliveries (
                id TEXT PRIMARY KEY,
                url TEXT NOT NULL,
                type TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at DOUBLE PRECISION NOT NULL,
                last_status INTEGER,
                last_error TEXT,
                delivered_at DOUBLE PRECISION
            )
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at)",
            "CREATE INDEX webhook_deliveries_by_created ON webhook_deliveries (created_at)",
        ]),
    ]

    /// Applies what is missing, in one transaction under the advisory lock.
    static func migrate(_ connection: PostgresConnection, schema: String, logger: Logger) async throws {
        _ = try await connection.query("BEGIN", logger: logger)
        do {
            _ = try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: logger)
            _ = try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \(schema)"), logger: logger)
            _ = try await connection.query(
                "CREATE TABLE IF NOT EXISTS camhub_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger
            )
            var applied: Set<String> = []
            for try await name in try await connection.query("SELECT name FROM camhub_migrations", logger: logger).decode(String.self) {
                applied.insert(name)
            }
            for migration in all where !applied.contains(migration.name) {
                for statement in migration.sql {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                _ = try await connection.query("INSERT INTO camhub_migrations (name) VALUES (\(migration.name))", logger: logger)
                logger.notice("database migrated", metadata: ["migration": "\(migration.name)"])
            }
            _ = try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}
