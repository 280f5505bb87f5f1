package io.caracal.core.store;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Rows gathered column by column, bound as one SQL array per column: what lets a statement take any number of
 * rows through {@code unnest} in one round trip and one execution, instead of one execution per row.
 */
public final class ArrayColumns {
    private final Connection connection;
    private final List<List<Object>> columns = new ArrayList<>();

    public ArrayColumns(Connection connection) {
        this.connection = connection;
    }

    public void add(Object... row) {
        if (columns.isEmpty()) {
            for (Object ignored : row) {
                columns.add(new ArrayList<>());
            }
        }
        for (int i = 0; i < row.length; i++) {
            columns.get(i).add(row[i]);
        }
    }

    /** Binds each column from parameter {@code from} on; returns the next free parameter. */
    public int bind(PreparedStatement ps, int from, String... types) throws SQLException {
        for (int i = 0; i < types.length; i++) {
            List<Object> values = columns.isEmpty() ? List.of() : columns.get(i);
            Array array = types[i].equals("bytea")
                    ? connection.createArrayOf("bytea", values.toArray(byte[][]::new))
                    : connection.createArrayOf(types[i], values.toArray(switch (types[i]) {
                        case "uuid" -> new UUID[0];
                        case "numeric" -> new BigDecimal[0];
                        default -> new String[0];
                    }));
            ps.setArray(from + i, array);
        }
        return from + types.length;
    }
}
