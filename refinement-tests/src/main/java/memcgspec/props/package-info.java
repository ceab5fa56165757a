/**
 * Stateful property testing of the implementation, at sizes TLC cannot reach.
 *
 * <ul>
 *   <li>{@link memcgspec.props.Step}: a named, parameterised action ({@code TryCharge(c1)}), which
 *       may be refused ({@link memcgspec.impl.StepRefused}) and must then change nothing.</li>
 *   <li>{@link memcgspec.props.Model}: fresh system, random candidate step, invariants, a
 *       snapshot for the refusal check, an optional drain to quiescence, a view for traces.</li>
 *   <li>{@link memcgspec.props.PropertyEngine#run}: tries x depth random steps, invariants after
 *       every step and after the drain, delta-debugging shrinking, failures reported with the seed
 *       and a swim-lane trace drawn by {@link memcgspec.trace.SwimLanes}, the renderer of TLC counterexamples. System properties: props.tries,
 *       props.depth, props.seed (replay).</li>
 *   <li>{@link memcgspec.props.ChargeModel}: the Charge protocol over {@link memcgspec.impl.Mm},
 *       checked with {@link memcgspec.props.ChargeInvariants}.</li>
 *   <li>{@link memcgspec.props.SwapModel}: the Swap protocol (reclaim, swap-out, swap-in, slot
 *       and swap-cache freeing, Offline and Free; cgroup v1 and v2) over an {@link memcgspec.impl.Mm}
 *       with a swap device, checked with {@link memcgspec.props.SwapInvariants}.</li>
 * </ul>
 */
package memcgspec.props;
