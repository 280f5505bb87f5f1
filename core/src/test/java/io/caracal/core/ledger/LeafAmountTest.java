package io.caracal.core.ledger;

import com.zaxxer.hikari.HikariDataSource;
import io.caracal.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Amounts printed from numeric's binary form, as PostgreSQL sends it, against BigDecimal's plain text with 9 decimals. */
class LeafAmountTest {
    private static HikariDataSource pool;

    @BeforeAll
    static void database() {
        pool = TestDatabase.pool("leaf_amount_" + Long.toHexString(System.nanoTime()));
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void printsEveryAmountAsBigDecimalDoes() throws Exception {
        String values = "0, 0.000000001, 0.1, 0.0001, 0.000100001, 0.00000001, 1, 10, 9999, 10000, 10000.5, 100000000, 1.000000009, 123456789.123456789,"
                + " 99999999999999999999999999999.999999999, 10000000000000000000000000000, 42.5, 7, -1.5, -0.000000001,"
                + " 0.01, 1234.5678, 12345.6789, 0.00001, 10000.0001, 99999999.99999999, 100000000.000000001, 0.0000001,"
                + " 1000000000000.000001, 20000, -12345.123456789, 9999.999999999";
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT v::text, numeric_send(v) FROM unnest(ARRAY[" + values + "]::numeric(38,9)[]) v")) {
            int checked = 0;
            while (rs.next()) {
                String expected = new BigDecimal(rs.getString(1)).setScale(9, RoundingMode.UNNECESSARY).toPlainString();
                assertEquals(expected, new String(LeafReader.amount(rs.getBytes(2)), StandardCharsets.US_ASCII), rs.getString(1));
                checked++;
            }
            assertEquals(32, checked);
        }
    }

    @Test
    void refusesWhatNineDecimalsCannotHoldAsTheLeafDoes() throws Exception {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT numeric_send(1.0000000001), numeric_send(0.0000000000001), numeric_send('NaN'::numeric), numeric_send(12.5000000000)")) {
            rs.next();
            assertThrows(ArithmeticException.class, () -> LeafReader.amount(rs.getBytes(1)));
            assertThrows(ArithmeticException.class, () -> LeafReader.amount(rs.getBytes(2)));
            assertThrows(IllegalStateException.class, () -> LeafReader.amount(rs.getBytes(3)));
            assertEquals("12.500000000", new String(LeafReader.amount(rs.getBytes(4)), StandardCharsets.US_ASCII), "a scale above 9 with zeros only");
        }
    }
}
