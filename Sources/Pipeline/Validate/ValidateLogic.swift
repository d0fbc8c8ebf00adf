import Kafka

/// Validate's logic, a transform: each raw record is forwarded with its decoded observation
/// or quarantined with the reason (``ValidateProcessor``); nothing else to persist.
public struct ValidateLogic: TransformLogic {
    let processor: ValidateProcessor

    func plan(_ batch: [KafkaMessage], context: StageContext) async -> [StageOutput]? {
        await processor.process(batch)
    }

    func outputs(_ plan: [StageOutput]) -> StageOutputs {
        StageOutputs(records: plan.map(\.record), sources: Array(plan.indices))
    }

    func settle(
        _ batch: [KafkaMessage], _ plan: [StageOutput], undeliverable: [(index: Int, output: StageOutput)],
        context: StageContext
    ) async -> StageSettlement {
        var outputs = plan
        for (index, output) in undeliverable { outputs[index] = output }
        let quarantined = outputs.filter(\.quarantined).count
        return .settled(
            audit: outputs.map(\.audit),
            counts: StageCounts(produced: outputs.count - quarantined, quarantined: quarantined))
    }

    func reset() async {}
}
