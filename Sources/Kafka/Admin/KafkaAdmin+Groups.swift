import CRdKafka

extension KafkaAdmin {
    /// How many members consumer group `group` has, as its coordinator says (ListGroups and
    /// DescribeGroups through `rd_kafka_list_groups`); 0 for a group nobody has joined (or that is
    /// unknown). A broker that does not answer is an error.
    public func memberCount(group: String) async throws -> Int {
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
            var members = 0
            for index in 0..<Int(list.pointee.group_cnt) {
                guard let info = list.pointee.groups?[index], info.err == RD_KAFKA_RESP_ERR_NO_ERROR,
                    let name = info.group, String(cString: name) == group
                else { continue }
                members += Int(info.member_cnt)
            }
            return members
        }
    }
}
