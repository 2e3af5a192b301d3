package dev.modelyard.infra.placement;

import dev.modelyard.workflows.placement.DeviceMemory;
import dev.modelyard.workflows.placement.DeviceShare;
import dev.modelyard.workflows.placement.Placement;
import dev.modelyard.workflows.placement.PlacementDecision;
import dev.modelyard.workflows.placement.PlacementDecision.Placed;
import dev.modelyard.workflows.placement.PlacementRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The placement ledger in PostgreSQL. A reservation is one transaction: it locks the rows of the
 * devices it may use ({@code select … for update}, always in the same order, so two reservations
 * never deadlock), reads what is already reserved on them, chooses by {@link Placement}'s best fit
 * and inserts its rows. A second reservation wanting any of those devices waits for the first to
 * commit and then sees its rows, so a device is never oversold however many loads start at once.
 */
public class PlacementLedger {

  /**
   * Reservations that still hold memory. One whose instance the registry records as stopped or
   * failed holds none, even before its release: a restart that gives up or the cleanup of a stale
   * start marks the instance failed without releasing, and must not leak its memory.
   */
  private static final String HOLDING =
      """
      select r.* from placement_reservations r
      left join model_instances i on i.instance_id = r.reservation_id
      where i.state is null or i.state not in ('stopped', 'failed')
      """;

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;

  public PlacementLedger(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
    this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
  }

  /**
   * Records what a host's worker sees now. A device offers its free memory plus what the
   * reservations of {@code running} hold on it, since those instances' memory is in use by the
   * ledger's own count; a reservation whose instance does not run now (it died with the last
   * worker, or has not started yet) is not added back, or its memory would count twice. Devices the
   * worker no longer reports keep their rows (their reservations point at them) with no capacity
   * left.
   *
   * @param running the instances running on the host now, whose memory the free figures exclude
   */
  public void recordInventory(String hostId, List<ReportedDevice> devices, Set<String> running) {
    transactions.executeWithoutResult(
        status -> {
          // The host's rows locked first, in a reservation's order: updated in the order reported
          // (by index, not by ID), they could deadlock with a reservation on the same host.
          jdbc.sql(
                  """
                  select device_id from placement_devices where host_id = :hostId
                  order by host_id, device_id for update
                  """)
              .param("hostId", hostId)
              .query(String.class)
              .list();
          for (ReportedDevice device : devices) {
            jdbc.sql(
                    """
                    insert into placement_devices (host_id, device_id, device_index, name,
                        total_bytes, capacity_bytes)
                    values (:hostId, :deviceId, :index, :name, :total,
                        least(:total, :free + (select coalesce(sum(bytes), 0)
                            from (%s) holding
                            where host_id = :hostId and device_id = :deviceId
                                and reservation_id = any(:running))))
                    on conflict (host_id, device_id) do update set
                        device_index = excluded.device_index, name = excluded.name,
                        total_bytes = excluded.total_bytes,
                        capacity_bytes = excluded.capacity_bytes, reported_at = now()
                    """
                        .formatted(HOLDING))
                .param("hostId", hostId)
                .param("deviceId", device.deviceId())
                .param("index", device.index())
                .param("name", device.name())
                .param("total", device.totalBytes())
                .param("free", device.freeBytes())
                .param("running", running.toArray(String[]::new))
                .update();
          }
          Set<String> reported =
              devices.stream().map(ReportedDevice::deviceId).collect(Collectors.toSet());
          for (String gone : deviceIds(hostId)) {
            if (!reported.contains(gone)) {
              jdbc.sql(
                      """
                      update placement_devices set capacity_bytes = 0, reported_at = now()
                      where host_id = :hostId and device_id = :deviceId
                      """)
                  .param("hostId", hostId)
                  .param("deviceId", gone)
                  .update();
            }
          }
        });
  }

  /**
   * Reserves memory for {@code reservationId}, or returns the reservation it already holds (so a
   * retried activity never reserves twice). A refusal reserves nothing.
   */
  public PlacementDecision reserve(String reservationId, PlacementRequest request) {
    return transactions.execute(
        status -> {
          List<DeviceMemory> candidates = lockCandidates(request.hostIds());
          List<Reserved> held = reservation(reservationId);
          if (!held.isEmpty()) {
            return new Placed(
                held.getFirst().hostId(),
                held.stream()
                    .map(r -> new DeviceShare(r.deviceId(), r.index(), r.bytes()))
                    .toList());
          }
          PlacementDecision decision = Placement.place(request, candidates);
          if (decision instanceof Placed placed) {
            for (DeviceShare share : placed.shares()) {
              jdbc.sql(
                      """
                      insert into placement_reservations (reservation_id, host_id, device_id, bytes)
                      values (:reservationId, :hostId, :deviceId, :bytes)
                      """)
                  .param("reservationId", reservationId)
                  .param("hostId", placed.hostId())
                  .param("deviceId", share.deviceId())
                  .param("bytes", share.bytes())
                  .update();
            }
          }
          return decision;
        });
  }

  /** Releases what the reservation holds; true when it held something. */
  public boolean release(String reservationId) {
    return jdbc.sql("delete from placement_reservations where reservation_id = :id")
            .param("id", reservationId)
            .update()
        > 0;
  }

  /** Every device with what is reserved on it, by host and device. */
  public List<DeviceMemory> devices() {
    return withReservations(
        jdbc.sql(
                """
                select host_id, device_id, device_index, capacity_bytes from placement_devices
                order by host_id, device_id
                """)
            .query(PlacementLedger::device)
            .list());
  }

  /** The IDs of every reservation held. */
  public List<String> reservationIds() {
    return jdbc.sql(
            "select distinct reservation_id from placement_reservations order by reservation_id")
        .query(String.class)
        .list();
  }

  private List<DeviceMemory> lockCandidates(List<String> hostIds) {
    String where = hostIds.isEmpty() ? "" : "where host_id in (:hostIds)";
    JdbcClient.StatementSpec select =
        jdbc.sql(
            """
            select host_id, device_id, device_index, capacity_bytes from placement_devices
            %s order by host_id, device_id for update
            """
                .formatted(where));
    if (!hostIds.isEmpty()) {
      select = select.param("hostIds", hostIds);
    }
    return withReservations(select.query(PlacementLedger::device).list());
  }

  /** The devices with their reservations summed, read after their rows are locked. */
  private List<DeviceMemory> withReservations(List<DeviceMemory> devices) {
    Map<String, Long> reserved = new HashMap<>();
    jdbc.sql(
            """
            select host_id, device_id, sum(bytes) as bytes from (%s) holding
            group by host_id, device_id
            """
                .formatted(HOLDING))
        .query(
            rs -> {
              reserved.put(
                  key(rs.getString("host_id"), rs.getString("device_id")), rs.getLong("bytes"));
            });
    return devices.stream()
        .map(
            d ->
                new DeviceMemory(
                    d.hostId(),
                    d.deviceId(),
                    d.index(),
                    d.capacityBytes(),
                    reserved.getOrDefault(key(d.hostId(), d.deviceId()), 0L)))
        .toList();
  }

  private List<Reserved> reservation(String reservationId) {
    return jdbc.sql(
            """
            select r.host_id, r.device_id, d.device_index, r.bytes
            from placement_reservations r
            join placement_devices d on d.host_id = r.host_id and d.device_id = r.device_id
            where r.reservation_id = :id order by d.device_index
            """)
        .param("id", reservationId)
        .query(
            (rs, n) ->
                new Reserved(
                    rs.getString("host_id"),
                    rs.getString("device_id"),
                    rs.getInt("device_index"),
                    rs.getLong("bytes")))
        .list();
  }

  private List<String> deviceIds(String hostId) {
    return jdbc.sql("select device_id from placement_devices where host_id = :hostId")
        .param("hostId", hostId)
        .query(String.class)
        .list();
  }

  private static DeviceMemory device(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
    return new DeviceMemory(
        rs.getString("host_id"),
        rs.getString("device_id"),
        rs.getInt("device_index"),
        rs.getLong("capacity_bytes"),
        0);
  }

  private static String key(String hostId, String deviceId) {
    return hostId + "\u0000" + deviceId;
  }

  private record Reserved(String hostId, String deviceId, int index, long bytes) {}
}
