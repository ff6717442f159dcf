import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditLogService } from './audit-log.service';
import { AuditRecorder } from './audit-recorder.service';

/** The tenant's append-only audit log: recorded from the events, read by owners and admins. */
@Module({
  controllers: [AuditController],
  providers: [AuditRecorder, AuditLogService, AuditEventsRepository],
})
export class AuditModule {}
