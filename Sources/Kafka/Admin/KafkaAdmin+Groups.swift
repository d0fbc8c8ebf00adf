import CRdKafka

extension KafkaAdmin {
    /// How many members consumer group `group` has, as its coordinator says (ListGroups and
    /// DescribeGroups through `rd_kafka_list_groups`): 0 for a group described as empty, nil when the
    /// coordinator did not describe it (Tansu lists no group that has members). A broker that cannot
    /// list groups (librdkafka's mock cluster) or does not answer is an error.
    public func memberCount(group: String) async throws -> Int? {
        let handle = adminHandle
        let milliseconds = adminTimeoutMilliseconds
        let bootstrap = adminBootstrap
        return try await BlockingThread.run(name: "kafka-admin-groups") { () throws(KafkaError) in
            var list: UnsafePointer<rd_kafka_group_list>?
            let code = rd_kafka_list_groups(handle.pointer, group, &list, milliseconds)
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let list else {
                throw Self.roundTripError("members of group \(group)", code, bootstrap: bootstrap)
            }
            defer { rd_kafka_group_list_destroy(list) }
            var members: Int?
            for index in 0..<Int(list.pointee.group_cnt) {
                guard let info = list.pointee.groups?[index], info.err == RD_KAFKA_RESP_ERR_NO_ERROR,
                    let name = info.group, String(cString: name) == group
                else { continue }
                members = (members ?? 0) + Int(info.member_cnt)
            }
            return members
        }
    }
}
