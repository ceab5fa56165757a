/**
 * The stateful property engine: protocol-neutral, it tests the implementation at sizes TLC cannot
 * reach.
 *
 * <ul>
 *   <li>{@link memcgspec.props.Call}: one action instance ({@code TryCharge(c1)}), which may be
 *       refused ({@link memcgspec.impl.StepRefused}) and must then change nothing.</li>
 *   <li>{@link memcgspec.props.Workload}: fresh system, random candidate call, invariants, a
 *       snapshot for the refusal check, an optional drain to quiescence, a view for traces; and
 *       {@link memcgspec.props.Workload.Checks}, how a run checks its system (whole, or
 *       incrementally: the frames a step touched).</li>
 *   <li>{@link memcgspec.props.PropertyEngine#run}: tries x depth random steps, invariants after
 *       every step and after the drain, delta-debugging shrinking, failures reported with the seed
 *       and a swim-lane trace drawn by {@link memcgspec.trace.SwimLanes}, the renderer of TLC
 *       counterexamples. System properties: props.tries, props.depth, props.seed (replay),
 *       props.check ({@code incremental}, the default; {@code full}; {@code both}, see
 *       {@link memcgspec.props.PropertyEngine.Checking}).</li>
 * </ul>
 *
 * <p>The workloads of the protocols are {@link memcgspec.protocol.ProtocolWorkload}s: a protocol of
 * the {@link memcgspec.registry.Protocols} registry and one of its setups.
 */
package memcgspec.props;
